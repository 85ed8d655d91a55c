package ca.crim.pavics.jupyter.lock.lockfile;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.conda.spec.Channel;
import ca.crim.pavics.jupyter.lock.LockResult;
import ca.crim.pavics.jupyter.lock.pip.DistributionFile;
import ca.crim.pavics.jupyter.lock.pip.PipPin;
import ca.crim.pavics.jupyter.lock.solve.Solver;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a solve as conda-lock's lock format, version 1 ({@code conda-lock.yml}; conda-lock's {@code Lockfile} model
 * v1: {@code version}, {@code metadata} with {@code content_hash}, {@code channels}, {@code platforms},
 * {@code sources}, {@code custom_metadata}, and one {@code package} entry per record with {@code name},
 * {@code version}, {@code manager}, {@code platform}, {@code dependencies}, {@code url}, {@code hash},
 * {@code category}, {@code optional}).
 *
 * <p>Only what the image adds or replaces is written, in category {@code main} (what {@code conda-lock install} and
 * our installer install); each base record replaced is written too, in category {@code base} (optional, never
 * installed), so that a diff of the lock shows what changes in the base. Entries are sorted by name, {@code main}
 * before {@code base}; the same result always gives the same bytes. Comment lines at the top give the
 * {@code environment.yml} hash line the build checks, the base image and digest, the channels and the solver.
 */
public final class CondaLockWriter {
    /** The category of the base records a lock replaces. */
    public static final String BASE_CATEGORY = "base";
    /** The platform the images are locked for. */
    public static final String PLATFORM = "linux-64";

    private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build());

    private CondaLockWriter() {
    }

    /** The lock's text (UTF-8, {@code \n} line ends), conda only. */
    public static String write(LockResult result, LockHeader header) {
        return write(result, header, List.of(), List.of());
    }

    /**
     * The lock's text with pip's part: one {@code manager: pip} entry per wheel, in category {@code main}, after the
     * conda entries, sorted by name, with its URL and sha256.
     *
     * @param pip what pip installs
     * @param pipIndexes the indexes they come from (a comment line)
     */
    public static String write(LockResult result, LockHeader header, List<PipPin> pip, List<String> pipIndexes) {
        StringBuilder out = new StringBuilder();
        out.append("# Locked by env-lock (solver ").append(Solver.VERSION).append(") on top of the base image: only what the")
                .append(" image adds or\n# replaces is in category main; category base lists the base records replaced.")
                .append(" Do not edit: lock again.\n");
        out.append("# environment.yml sha256: ").append(header.environmentSha256()).append('\n');
        header.baseImage().ifPresent(i -> out.append("# base image: ").append(i)
                .append(header.baseDigest().map(d -> "@" + d).orElse("")).append('\n'));
        out.append("# channels: ");
        for (int i = 0; i < header.channels().size(); i++) {
            Channel c = header.channels().get(i);
            out.append(i > 0 ? ", " : "").append(c.name()).append(" (").append(c.baseUrl()).append(')');
        }
        out.append("\n# ").append(result.summary()).append('\n');
        if (!pipIndexes.isEmpty()) {
            out.append("# pip: ").append(pip.size()).append(" wheel").append(pip.size() == 1 ? "" : "s").append(" from ")
                    .append(String.join(", ", pipIndexes.stream().map(CondaLockWriter::withoutUserInfo).toList())).append('\n');
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", 1);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("content_hash", Map.of(PLATFORM, header.environmentSha256()));
        List<Map<String, Object>> channels = new ArrayList<>();
        for (Channel c : header.channels()) {
            Map<String, Object> ch = new LinkedHashMap<>();
            ch.put("url", c.name());
            ch.put("used_env_vars", List.of());
            channels.add(ch);
        }
        metadata.put("channels", channels);
        metadata.put("platforms", List.of(PLATFORM));
        metadata.put("sources", List.of(header.source()));
        Map<String, String> custom = new LinkedHashMap<>();
        custom.put("locked_by", "env-lock solver " + Solver.VERSION);
        header.baseImage().ifPresent(i -> custom.put("base_image", i));
        header.baseDigest().ifPresent(d -> custom.put("base_digest", d));
        for (Channel c : header.channels()) {
            custom.put("channel_url." + c.name(), c.baseUrl());
        }
        metadata.put("custom_metadata", custom);
        root.put("metadata", metadata);
        List<Map<String, Object>> packages = new ArrayList<>();
        List<LockResult.Change> changes = new ArrayList<>(result.changes());
        changes.sort(Comparator.comparing(c -> c.record().name()));
        for (LockResult.Change c : changes) {
            packages.add(entry(c.record(), "main"));
        }
        List<PipPin> wheels = new ArrayList<>(pip);
        wheels.sort(Comparator.comparing(PipPin::name));
        for (PipPin w : wheels) {
            packages.add(pipEntry(w));
        }
        for (LockResult.Change c : changes) {
            c.replaced().ifPresent(old -> packages.add(entry(old, BASE_CATEGORY)));
        }
        root.put("package", packages);
        try {
            out.append(YAML.writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write YAML from plain maps", e);
        }
        return out.toString();
    }

    private static Map<String, Object> pipEntry(PipPin w) {
        DistributionFile f = w.file().orElseThrow();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", w.name());
        p.put("version", w.version().toString());
        p.put("manager", "pip");
        p.put("platform", PLATFORM);
        p.put("dependencies", Map.of());
        p.put("url", withoutUserInfo(f.url()));
        p.put("hash", Map.of("sha256", f.sha256().orElseThrow(() -> new IllegalStateException("no sha256 for " + f.url()))));
        p.put("category", "main");
        p.put("optional", false);
        return p;
    }

    /** A URL without {@code user:password@}: credentials never go into a lock. */
    static String withoutUserInfo(String url) {
        return url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
    }

    private static Map<String, Object> entry(PackageRecord r, String category) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", r.name());
        p.put("version", r.version());
        p.put("manager", "conda");
        p.put("platform", PLATFORM);
        Map<String, String> deps = new LinkedHashMap<>();
        for (String d : r.depends()) {
            String t = d.strip();
            int space = t.indexOf(' ');
            String name = space < 0 ? t : t.substring(0, space);
            String spec = space < 0 ? "*" : t.substring(space + 1).strip();
            deps.merge(name, spec, (a, b) -> a.equals("*") ? b : b.equals("*") ? a : a + "," + b);
        }
        p.put("dependencies", deps);
        p.put("url", url(r));
        Map<String, String> hash = new LinkedHashMap<>();
        r.md5().ifPresent(h -> hash.put("md5", h));
        r.sha256().ifPresent(h -> hash.put("sha256", h));
        p.put("hash", hash);
        p.put("category", category);
        p.put("optional", !category.equals("main"));
        return p;
    }

    /** The record's URL, else {@code CHANNEL/SUBDIR/FILE} with the parts it knows (a base record may know none). */
    static String url(PackageRecord r) {
        if (r.url() != null && !r.url().isEmpty()) {
            return r.url();
        }
        StringBuilder b = new StringBuilder();
        if (r.channel() != null && !r.channel().isEmpty()) {
            b.append(r.channel()).append('/');
        }
        if (r.subdir() != null && !r.subdir().isEmpty()) {
            b.append(r.subdir()).append('/');
        }
        return b.append(r.fileName()).toString();
    }
}
