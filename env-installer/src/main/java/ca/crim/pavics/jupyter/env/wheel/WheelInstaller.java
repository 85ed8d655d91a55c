package ca.crim.pavics.jupyter.env.wheel;

import ca.crim.pavics.jupyter.env.install.EntryPointScript;
import ca.crim.pavics.jupyter.env.install.InstallException;
import ca.crim.pavics.jupyter.env.install.InstallTarget;
import ca.crim.pavics.jupyter.env.install.InstalledPackage;
import ca.crim.pavics.jupyter.env.layer.LayerEntry;
import ca.crim.pavics.jupyter.env.lock.WheelPackage;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Installs a wheel as pip does (wheel spec 1.x): purelib/platlib into site-packages, the {@code .data/} folders
 * into their scheme folders, {@code #!python} shebangs made absolute, every {@code RECORD} hash verified,
 * {@code INSTALLER}, console and GUI scripts from {@code entry_points.txt}, {@code direct_url.json} for direct URL
 * requirements, and {@code RECORD} rewritten for the installed paths. Files are world-writable (umask 0000), as in
 * the images' conda installs.
 */
public final class WheelInstaller {
    public static final String INSTALLER = "pavics-jupyter-env-installer";
    private final InstallTarget target;

    public WheelInstaller(InstallTarget target) {
        this.target = target;
    }

    /**
     * @param directUrl the requirement's direct URL ({@code git+https://...@rev} or an archive URL) when
     *     environment.yml names one; written to {@code direct_url.json}
     */
    public InstalledPackage install(WheelPackage locked, Path wheel, Optional<String> directUrl) throws InstallException {
        String what = "wheel " + wheel.getFileName();
        try (ZipFile zip = ZipFile.builder().setPath(wheel).get()) {
            Map<String, ZipArchiveEntry> byName = new LinkedHashMap<>();
            String distInfo = null;
            for (Enumeration<ZipArchiveEntry> e = zip.getEntries(); e.hasMoreElements();) {
                ZipArchiveEntry entry = e.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                byName.put(entry.getName(), entry);
                if (entry.getName().matches("[^/]+\\.dist-info/WHEEL")) {
                    distInfo = entry.getName().substring(0, entry.getName().indexOf('/'));
                }
            }
            if (distInfo == null) {
                throw new InstallException(what + ": no *.dist-info/WHEEL inside: not a wheel");
            }
            String wheelMeta = read(zip, byName.get(distInfo + "/WHEEL"));
            String version = header(wheelMeta, "Wheel-Version").orElse("");
            if (!version.startsWith("1.")) {
                throw new InstallException(what + ": unsupported Wheel-Version '" + version + "' (1.x is supported)");
            }
            String dataDir = distInfo.substring(0, distInfo.length() - ".dist-info".length()) + ".data";
            Map<String, String[]> record = record(what, zip, byName.get(distInfo + "/RECORD"));

            String lp = target.layerPrefix();
            String sp = target.sitePackages();
            Map<String, LayerEntry> entries = new LinkedHashMap<>();
            Map<String, byte[]> written = new LinkedHashMap<>();
            long bytes = 0;
            for (ZipArchiveEntry entry : byName.values()) {
                String name = entry.getName();
                if (name.equals(distInfo + "/RECORD") || name.equals(distInfo + "/INSTALLER")
                        || name.equals(distInfo + "/direct_url.json") || name.startsWith(distInfo + "/RECORD.")) {
                    continue;
                }
                if (name.contains("..") || name.startsWith("/")) {
                    throw new InstallException(what + ": unsafe path inside: " + name);
                }
                byte[] data;
                try (InputStream in = zip.getInputStream(entry)) {
                    data = in.readAllBytes();
                }
                String[] rec = record.get(name);
                if (rec == null) {
                    throw new InstallException(what + ": " + name + " is not listed in RECORD");
                }
                if (!rec[1].isEmpty()) {
                    String[] algoHash = rec[1].split("=", 2);
                    if (!algoHash[0].equals("sha256") || algoHash.length != 2) {
                        throw new InstallException(what + ": RECORD hash of " + name + " is not sha256=...");
                    }
                    if (!algoHash[1].equals(urlsafeSha256(data))) {
                        throw new InstallException(what + ": " + name + " does not match its RECORD hash (corrupt wheel)");
                    }
                }
                String rel;
                int mode = (entry.getUnixMode() & 0111) != 0 ? 0777 : 0666;
                if (name.startsWith(dataDir + "/")) {
                    String rest = name.substring(dataDir.length() + 1);
                    int slash = rest.indexOf('/');
                    String scheme = slash < 0 ? rest : rest.substring(0, slash);
                    String sub = slash < 0 ? "" : rest.substring(slash + 1);
                    rel = switch (scheme) {
                        case "purelib", "platlib" -> sp + "/" + sub;
                        case "scripts" -> "bin/" + sub;
                        case "headers" -> "include/python" + target.pythonVersion() + "/" + locked.name() + "/" + sub;
                        case "data" -> sub;
                        default -> throw new InstallException(what + ": unknown .data scheme '" + scheme + "'");
                    };
                    if (scheme.equals("scripts")) {
                        data = pythonShebang(data);
                        mode = 0777;
                    }
                } else {
                    rel = sp + "/" + name;
                }
                entries.put(lp + "/" + rel, LayerEntry.file(lp + "/" + rel, mode, data));
                written.put(rel, data);
                bytes += data.length;
            }
            if (byName.containsKey(distInfo + "/entry_points.txt")) {
                for (Map.Entry<String, String> script : scripts(read(zip, byName.get(distInfo + "/entry_points.txt"))).entrySet()) {
                    EntryPointScript ep = EntryPointScript.parse(script.getKey() + " = " + script.getValue());
                    byte[] data = ep.render(target.python()).getBytes(StandardCharsets.UTF_8);
                    String rel = "bin/" + ep.command();
                    entries.put(lp + "/" + rel, LayerEntry.file(lp + "/" + rel, 0777, data));
                    written.put(rel, data);
                    bytes += data.length;
                }
            }
            String infoRel = sp + "/" + distInfo;
            byte[] installer = (INSTALLER + "\n").getBytes(StandardCharsets.UTF_8);
            entries.put(lp + "/" + infoRel + "/INSTALLER", LayerEntry.file(lp + "/" + infoRel + "/INSTALLER", 0666, installer));
            written.put(infoRel + "/INSTALLER", installer);
            if (directUrl.isPresent()) {
                byte[] json = directUrlJson(directUrl.get(), locked);
                entries.put(lp + "/" + infoRel + "/direct_url.json",
                        LayerEntry.file(lp + "/" + infoRel + "/direct_url.json", 0666, json));
                written.put(infoRel + "/direct_url.json", json);
            }
            StringBuilder newRecord = new StringBuilder();
            for (Map.Entry<String, byte[]> w : written.entrySet()) {
                newRecord.append(csv(relativeTo(sp, w.getKey()))).append(",sha256=").append(urlsafeSha256(w.getValue()))
                        .append(',').append(w.getValue().length).append('\n');
            }
            newRecord.append(csv(distInfo + "/RECORD")).append(",,\n");
            byte[] recordBytes = newRecord.toString().getBytes(StandardCharsets.UTF_8);
            entries.put(lp + "/" + infoRel + "/RECORD", LayerEntry.file(lp + "/" + infoRel + "/RECORD", 0666, recordBytes));
            List<String> files = new ArrayList<>(written.keySet());
            files.add(infoRel + "/RECORD");
            LayerEntry.addParentDirectories(entries, target.layerPrefix());
            List<LayerEntry> sorted = new ArrayList<>(entries.values());
            sorted.sort(Comparator.comparing(LayerEntry::path));
            return new InstalledPackage(locked.name(), sorted, files, "", new byte[0], bytes);
        } catch (IOException e) {
            throw new InstallException(what + ": corrupt or unreadable wheel: " + String.valueOf(e.getMessage()).replace('\n', ' '), e);
        }
    }

    private byte[] pythonShebang(byte[] data) {
        String head = new String(data, 0, Math.min(data.length, 10), StandardCharsets.ISO_8859_1);
        int cut;
        if (head.startsWith("#!pythonw")) {
            cut = 9;
        } else if (head.startsWith("#!python")) {
            cut = 8;
        } else {
            return data;
        }
        byte[] shebang = ("#!" + target.python()).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[shebang.length + data.length - cut];
        System.arraycopy(shebang, 0, out, 0, shebang.length);
        System.arraycopy(data, cut, out, shebang.length, data.length - cut);
        return out;
    }

    /** console_scripts and gui_scripts of entry_points.txt: name → "module:function". */
    static Map<String, String> scripts(String entryPoints) {
        Map<String, String> scripts = new LinkedHashMap<>();
        String section = "";
        for (String raw : entryPoints.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                section = line.substring(1, line.indexOf(']')).strip();
                continue;
            }
            if ((section.equals("console_scripts") || section.equals("gui_scripts")) && line.contains("=")) {
                String value = line.substring(line.indexOf('=') + 1).strip();
                int extras = value.indexOf('[');
                scripts.put(line.substring(0, line.indexOf('=')).strip(), extras < 0 ? value : value.substring(0, extras).strip());
            }
        }
        return scripts;
    }

    private static byte[] directUrlJson(String url, WheelPackage locked) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        if (url.startsWith("git+")) {
            String bare = url.substring(4);
            int at = bare.lastIndexOf('@');
            String rev = at > bare.indexOf("://") + 3 ? bare.substring(at + 1) : "";
            root.put("url", at > bare.indexOf("://") + 3 ? bare.substring(0, at) : bare);
            ObjectNode vcs = root.putObject("vcs_info");
            vcs.put("vcs", "git");
            if (!rev.isEmpty()) {
                vcs.put("requested_revision", rev);
                if (rev.matches("[0-9a-f]{40}")) {
                    vcs.put("commit_id", rev);
                }
            }
        } else {
            root.put("url", url);
            ObjectNode archive = root.putObject("archive_info");
            locked.sha256().ifPresent(h -> archive.putObject("hashes").put("sha256", h));
        }
        try {
            return json.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String relativeTo(String sitePackages, String rel) {
        if (rel.startsWith(sitePackages + "/")) {
            return rel.substring(sitePackages.length() + 1);
        }
        int depth = sitePackages.split("/").length;
        return "../".repeat(depth) + rel;
    }

    private static String csv(String field) {
        return field.contains(",") || field.contains("\"") ? "\"" + field.replace("\"", "\"\"") + "\"" : field;
    }

    private static Map<String, String[]> record(String what, ZipFile zip, ZipArchiveEntry entry) throws IOException, InstallException {
        if (entry == null) {
            throw new InstallException(what + ": no RECORD in its dist-info");
        }
        Map<String, String[]> record = new HashMap<>();
        for (String line : read(zip, entry).split("\r?\n")) {
            if (line.isBlank()) {
                continue;
            }
            List<String> fields = parseCsv(line);
            if (fields.size() < 3) {
                throw new InstallException(what + ": malformed RECORD line: " + line);
            }
            record.put(fields.get(0), new String[] {fields.get(0), fields.get(1), fields.get(2)});
        }
        return record;
    }

    static List<String> parseCsv(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }

    private static String read(ZipFile zip, ZipArchiveEntry entry) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Optional<String> header(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + ":")).map(l -> l.substring(name.length() + 1).strip()).findFirst();
    }

    static String urlsafeSha256(byte[] data) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                ca.crim.pavics.jupyter.registry.Digests.sha256Digest().digest(data));
    }
}
