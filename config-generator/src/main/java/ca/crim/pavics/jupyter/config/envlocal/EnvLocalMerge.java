package ca.crim.pavics.jupyter.config.envlocal;

import ca.crim.pavics.jupyter.config.images.ImageEntry;
import ca.crim.pavics.jupyter.config.images.Versions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Updates the image entries of an existing env.local: our images get their new version at the index they had
 * (new ones are appended), selection names stay aligned, and every other byte of the file stays as it was
 * (comments, other variables, quoting, {@code export} or not, multi-line layouts). The notebook deploy jobs
 * live in a marked block that this class owns and rewrites. Running it twice changes nothing the second time.
 */
public final class EnvLocalMerge {
    public static final String BLOCK_BEGIN = JobsBlock.BEGIN;
    public static final String BLOCK_END = JobsBlock.END;
    /** The folder name of the notebook deploy component ({@code config-generator component}). */
    public static final String COMPONENT_NAME = "pavics-jupyter-notebookdeploy";

    /**
     * @param keepPrevious keep the old version offered beside the new one
     * @param legacyNames write the older image variable name ({@code DOCKER_NOTEBOOK_IMAGES}) when creating it
     * @param deployerImage the image the notebook deploy jobs run
     * @param server the server's birdhouse release: which names the jobs use, and whether they go to env.local
     *     (before 2.15) or to a component (2.15 on: the jobs block is not written, one written earlier is removed)
     * @param replaceOldJobs disable the old job generator of pavics-jupyter-base instead of refusing
     * @param enableComponent when not null, the component folder to add to {@code BIRDHOUSE_EXTRA_CONF_DIRS}
     */
    public record Options(boolean keepPrevious, boolean legacyNames, String deployerImage, BirdhouseGeneration server,
            boolean replaceOldJobs, String enableComponent) {
        /** Jobs in env.local, for a 1.x server with legacy names, else 2.0 to 2.14. */
        public Options(boolean keepPrevious, boolean legacyNames, String deployerImage) {
            this(keepPrevious, legacyNames, deployerImage, legacyNames ? BirdhouseGeneration.V1 : BirdhouseGeneration.V2,
                    false, null);
        }
    }

    public record Result(String text, List<String> changes, List<String> warnings) {
        public boolean changed(String before) {
            return !text.equals(before);
        }
    }

    /** An entry of the merged lists; {@code origin}: its index in the file's lists, -1 when added. */
    private record Pair(String image, String name, int origin) {
        Pair(String image, String name) {
            this(image, name, -1);
        }
    }

    private final String fileName;
    private final List<String> changes = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    /** The file's image references that this merge replaced by a newer version. */
    private final List<String> replacedImages = new ArrayList<>();

    public EnvLocalMerge(String fileName) {
        this.fileName = fileName;
    }

    public Result merge(String text, List<ImageEntry> ours, Options options) throws EnvLocalException {
        changes.clear();
        warnings.clear();
        replacedImages.clear();
        checkUnique(ours.stream().map(ImageEntry::selectionName).toList(), "the images to merge");
        Map<String, List<Assignment>> byName = new LinkedHashMap<>();
        for (Assignment a : new BashAssignmentScanner().scan(text)) {
            byName.computeIfAbsent(a.name(), k -> new ArrayList<>()).add(a);
        }
        List<Assignment> current = byName.getOrDefault(Birdhouse.CURRENT.images(), List.of());
        List<Assignment> legacy = byName.getOrDefault(Birdhouse.LEGACY.images(), List.of());
        if (!current.isEmpty() && !legacy.isEmpty()) {
            throw new EnvLocalException(fileName + ":" + legacy.get(0).line() + ": both " + Birdhouse.LEGACY.images()
                    + " and " + Birdhouse.CURRENT.images() + " (line " + current.get(0).line()
                    + ") are set: keep one of them");
        }
        BirdhouseGeneration server = options.server();
        if (server == BirdhouseGeneration.V1 && !current.isEmpty()) {
            throw new EnvLocalException(fileName + ":" + current.get(0).line() + ": birdhouse " + server.label()
                    + " does not read " + Birdhouse.CURRENT.images() + ": rename it " + Birdhouse.LEGACY.images()
                    + " (or say that the server runs birdhouse 2.x)");
        }
        boolean legacyFile = !legacy.isEmpty();
        if (legacyFile && server != BirdhouseGeneration.V1) {
            warnings.add(fileName + ":" + legacy.get(0).line() + ": " + Birdhouse.LEGACY.images() + " is the name of birdhouse"
                    + " 1.x; birdhouse " + server.label() + " reads it only while BIRDHOUSE_BACKWARD_COMPATIBLE_ALLOWED=true:"
                    + " rename it " + Birdhouse.CURRENT.images());
        }
        boolean legacyNew = options.legacyNames() || server == BirdhouseGeneration.V1;
        Birdhouse vars = Birdhouse.of(legacyFile || legacyNew);
        String imagesVar = legacyFile ? Birdhouse.LEGACY.images() : (legacyNew && current.isEmpty()
                ? Birdhouse.LEGACY.images() : Birdhouse.CURRENT.images());
        Assignment images = effective(imagesVar, legacyFile ? legacy : current);
        Assignment names = effective(vars.selectionNames(), byName.getOrDefault(vars.selectionNames(), List.of()));
        if ((images == null) != (names == null)) {
            Assignment set = images != null ? images : names;
            throw new EnvLocalException(fileName + ":" + set.line() + ": " + set.name() + " is set but "
                    + (images == null ? imagesVar : vars.selectionNames()) + " is not: set both, same count, same order");
        }

        JobsBlock jobsBlock = new JobsBlock(fileName);
        TextEdits edits = new TextEdits();
        changes.addAll(new OldJobGenerators(fileName).check(text, jobsBlock.find(text),
                ours.stream().map(ImageEntry::folderName).collect(Collectors.toCollection(java.util.TreeSet::new)),
                options.replaceOldJobs(), edits));
        List<Pair> finalPairs;
        if (images == null) {
            finalPairs = ours.stream().map(e -> new Pair(e.reference(), e.selectionName())).toList();
            warnings.add(imagesVar + " was not set in " + fileName + ": it now lists only " + ours.size()
                    + " image(s) of pavics-jupyter-images (the component's default image is no longer offered"
                    + " unless you add it)");
            edits.insert(endInsertionPoint(text), (text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n")
                    + "# Jupyter images offered by this server and their names on the spawn page: same count, same order;\n"
                    + "# the first image is the default one (added by config-generator of pavics-jupyter-images).\n"
                    + "export " + imagesVar + "=\"" + finalPairs.stream().map(Pair::image).collect(Collectors.joining(" ")) + "\"\n"
                    + "export " + vars.selectionNames() + "=\"" + finalPairs.stream().map(Pair::name).collect(Collectors.joining(" ")) + "\"\n");
            changes.add("added " + imagesVar + " and " + vars.selectionNames() + " with " + ours.size() + " image(s)");
        } else {
            int before = WordList.of(images).words().size();
            finalPairs = mergeLists(text, WordList.of(images), WordList.of(names), ours, options, edits);
            changes.addAll(new MultiNotebookIndexes(fileName).adjust(text, byName, positions(before, finalPairs), edits));
            warnings.addAll(MultiNotebookIndexes.literalMentions(byName, replacedImages));
        }
        Assignment allowed = last(byName.get(Birdhouse.CURRENT.allowedImages()));
        if (allowed != null) {
            changes.addAll(new AllowedImagesMapping(fileName).update(text, allowed, ours, options.keepPrevious(), edits));
        }
        boolean componentEnabled = options.enableComponent() != null
                || ConfDirs.listsComponent(text, byName, COMPONENT_NAME);
        if (options.enableComponent() != null) {
            // where the jobs block was, when it goes (an insertion before a removal starting there)
            int removal = server.jobsInComponent() ? jobsBlock.removalStart(text) : -1;
            new ConfDirs(fileName).enable(text, byName, options.enableComponent(), server,
                    removal >= 0 ? removal : endInsertionPoint(text), edits).ifPresent(changes::add);
        }
        if (server.jobsInComponent() && componentEnabled) {
            jobsBlock.remove(text, edits).ifPresent(changes::add);
        } else {
            if (server.jobsInComponent()) {
                warnings.add("the notebook deploy jobs stay in " + fileName + " (birdhouse " + server.label() + " logs that"
                        + " they are deprecated) until the component is enabled: write it (config-generator component)"
                        + " and add its folder to " + ConfDirs.VARIABLE);
            }
            List<ImageEntry> deployed = deployed(ours, finalPairs);
            jobsBlock.write(text, new NotebookDeployJobs(server.names(), options.deployerImage()).shell(deployed),
                    deployed.size(), edits).ifPresent(changes::add);
        }
        return new Result(edits.applyTo(text), List.copyOf(changes), List.copyOf(warnings));
    }

    private static Assignment last(List<Assignment> assignments) {
        return assignments == null || assignments.isEmpty() ? null : assignments.get(assignments.size() - 1);
    }

    private static ListPositions positions(int before, List<Pair> result) {
        int[] newIndex = new int[before];
        List<Integer> added = new ArrayList<>();
        for (int i = 0; i < result.size(); i++) {
            if (result.get(i).origin() >= 0) {
                newIndex[result.get(i).origin()] = i;
            } else {
                added.add(i);
            }
        }
        return new ListPositions(newIndex, List.copyOf(added));
    }

    /** Where new text goes at the end: before our jobs block if there is one, else at the very end. */
    static int endInsertionPoint(String text) {
        int block = text.indexOf(BLOCK_BEGIN);
        return block >= 0 && (block == 0 || text.charAt(block - 1) == '\n') ? block : text.length();
    }

    private Assignment effective(String name, List<Assignment> assignments) throws EnvLocalException {
        if (assignments.isEmpty()) {
            return null;
        }
        String lines = assignments.stream().map(a -> String.valueOf(a.line())).collect(Collectors.joining(", "));
        if (assignments.size() > 1) {
            if (assignments.stream().anyMatch(a -> a.depth() > 0 || a.value().isEmpty())) {
                throw new EnvLocalException(fileName + ":" + assignments.get(1).line() + ": " + name + " is assigned "
                        + assignments.size() + " times (lines " + lines + "), conditionally or from other variables:"
                        + " cannot update it unambiguously");
            }
            Assignment last = assignments.get(assignments.size() - 1);
            warnings.add(name + " is assigned " + assignments.size() + " times (lines " + lines + "): the last one, line "
                    + last.line() + ", is the one in effect and the one updated");
            return last;
        }
        Assignment only = assignments.get(0);
        if (only.value().isEmpty()) {
            throw new EnvLocalException(fileName + ":" + only.line() + ": the value of " + name
                    + " cannot be parsed (it uses $ expansions or command substitution): write the list literally");
        }
        return only;
    }

    private List<Pair> mergeLists(String text, WordList images, WordList names, List<ImageEntry> ours, Options options,
            TextEdits edits) throws EnvLocalException {
        List<String> imgs = images.texts();
        List<String> nms = names.texts();
        if (imgs.size() != nms.size()) {
            throw new EnvLocalException(fileName + ":" + images.assignment().line() + ": " + images.assignment().name()
                    + " has " + imgs.size() + " entries but " + names.assignment().name() + " (line "
                    + names.assignment().line() + ") has " + nms.size() + ": they must have the same count");
        }
        List<String> keys = new ArrayList<>();
        for (String image : imgs) {
            try {
                keys.add(ImageEntry.repositoryKey(image));
            } catch (IllegalArgumentException e) {
                throw new EnvLocalException(fileName + ":" + images.assignment().line() + ": " + images.assignment().name()
                        + ": " + e.getMessage());
            }
        }
        for (String name : nms) {
            try {
                ImageEntry.validateSelectionName(name);
            } catch (IllegalArgumentException e) {
                throw new EnvLocalException(fileName + ":" + names.assignment().line() + ": "
                        + names.assignment().name() + ": " + e.getMessage());
            }
        }
        checkUnique(nms, names.assignment().name() + " (line " + names.assignment().line() + ")");

        Map<Integer, Pair> replaced = new HashMap<>();
        Map<Integer, List<Pair>> insertedAfter = new HashMap<>();
        List<Pair> appended = new ArrayList<>();
        List<String> allNames = new ArrayList<>(nms);
        for (ImageEntry e : ours) {
            String key = e.repositoryKey();
            int best = -1;
            boolean present = false;
            for (int i = 0; i < imgs.size(); i++) {
                if (!keys.get(i).equals(key)) {
                    continue;
                }
                if (imgs.get(i).equals(inFileForm(imgs.get(i), e.reference()))) {
                    present = true;
                }
                if (best < 0 || Versions.compare(tagOf(imgs.get(i)), tagOf(imgs.get(best))) > 0) {
                    best = i;
                }
            }
            if (present) {
                continue;
            }
            if (best < 0) {
                claimName(allNames, e.selectionName(), e.reference());
                appended.add(new Pair(e.reference(), e.selectionName()));
                changes.add("added " + e.reference() + " as " + e.selectionName());
                continue;
            }
            String oldTag = tagOf(imgs.get(best));
            String oldName = nms.get(best);
            String written = inFileForm(imgs.get(best), e.reference());
            String folder = ImageEntry.folderName(oldName);
            if (options.keepPrevious()) {
                String newName = folder + ":" + e.tag();
                claimName(allNames, newName, e.reference());
                insertedAfter.computeIfAbsent(best, k -> new ArrayList<>()).add(new Pair(written, newName));
                changes.add("added " + written + " as " + newName + " beside " + imgs.get(best));
            } else {
                String newName = oldName.equals(folder + ":" + oldTag) ? folder + ":" + e.tag() : oldName;
                if (!newName.equals(oldName)) {
                    allNames.remove(oldName);
                    claimName(allNames, newName, e.reference());
                }
                replaced.put(best, new Pair(written, newName));
                replacedImages.add(imgs.get(best));
                changes.add(imgs.get(best) + " -> " + written + " (entry " + (best + 1) + ", " + newName + ")");
            }
        }
        List<Pair> result = new ArrayList<>();
        for (int i = 0; i < imgs.size(); i++) {
            Pair kept = replaced.getOrDefault(i, new Pair(imgs.get(i), nms.get(i)));
            result.add(new Pair(kept.image(), kept.name(), i));
            result.addAll(insertedAfter.getOrDefault(i, List.of()));
        }
        result.addAll(appended);
        editList(text, images, replaced, insertedAfter, appended, Pair::image, result, edits);
        editList(text, names, replaced, insertedAfter, appended, Pair::name, result, edits);
        return result;
    }

    /**
     * {@code ours} written the way {@code existing} (the same repository, e.g. {@code registry.hub.docker.com/pavics/x:1}
     * for our {@code pavics/x:2}) is written in the file: its registry and path, our tag or digest.
     */
    static String inFileForm(String existing, String ours) {
        String existingBase = withoutVersion(existing);
        String oursBase = withoutVersion(ours);
        return existingBase + ours.substring(oursBase.length());
    }

    private static String withoutVersion(String reference) {
        String base = reference;
        int at = base.indexOf('@');
        if (at >= 0) {
            base = base.substring(0, at);
        }
        int slash = base.lastIndexOf('/');
        int colon = base.lastIndexOf(':');
        return colon > slash ? base.substring(0, colon) : base;
    }

    private void claimName(List<String> names, String name, String image) throws EnvLocalException {
        ImageEntry.validateSelectionName(name);
        if (names.contains(name)) {
            throw new EnvLocalException(fileName + ": selection name " + name + " for " + image
                    + " is already used by another image: selection names must be unique");
        }
        names.add(name);
    }

    private void checkUnique(List<String> names, String where) throws EnvLocalException {
        List<String> seen = new ArrayList<>();
        for (String n : names) {
            if (seen.contains(n)) {
                throw new EnvLocalException(fileName + ": duplicate selection name " + n + " in " + where);
            }
            seen.add(n);
        }
    }

    private static String tagOf(String image) {
        return ca.crim.pavics.jupyter.registry.ImageReference.parse(image).tag();
    }

    private static void editList(String text, WordList list, Map<Integer, Pair> replaced, Map<Integer, List<Pair>> insertedAfter,
            List<Pair> appended, java.util.function.Function<Pair, String> part, List<Pair> result, TextEdits edits) {
        List<WordList.Word> words = list.words();
        boolean structural = !insertedAfter.isEmpty() || !appended.isEmpty();
        boolean changedWords = replaced.entrySet().stream()
                .anyMatch(r -> !part.apply(r.getValue()).equals(words.get(r.getKey()).text()));
        if (!structural && !changedWords) {
            return;
        }
        Assignment a = list.assignment();
        boolean simple = a.quote() != 0 && replaced.keySet().stream().allMatch(i -> words.get(i).plain());
        if (!simple) {
            edits.replace(a.valueStart(), a.valueEnd(),
                    "\"" + result.stream().map(part).collect(Collectors.joining(" ")) + "\"");
            return;
        }
        for (Map.Entry<Integer, Pair> r : replaced.entrySet()) {
            WordList.Word w = words.get(r.getKey());
            if (!part.apply(r.getValue()).equals(w.text())) {
                edits.replace(w.start(), w.end(), part.apply(r.getValue()));
            }
        }
        for (Map.Entry<Integer, List<Pair>> ins : insertedAfter.entrySet()) {
            int i = ins.getKey();
            String sep = i + 1 < words.size() ? list.gapBefore(text, i + 1) : i > 0 ? list.gapBefore(text, i) : " ";
            for (Pair p : ins.getValue()) {
                edits.insert(words.get(i).end(), sep + part.apply(p));
            }
        }
        if (!appended.isEmpty()) {
            if (words.isEmpty()) {
                edits.insert(a.insertAt(), appended.stream().map(part).collect(Collectors.joining(" ")));
            } else {
                int last = words.size() - 1;
                String sep = last > 0 ? list.gapBefore(text, last) : " ";
                for (Pair p : appended) {
                    edits.insert(words.get(last).end(), sep + part.apply(p));
                }
            }
        }
    }

    /** For each of our images, the newest version the merged lists offer, under its name there. */
    private static List<ImageEntry> deployed(List<ImageEntry> ours, List<Pair> finalPairs) {
        List<ImageEntry> deployed = new ArrayList<>();
        for (ImageEntry e : ours) {
            Pair best = null;
            for (Pair p : finalPairs) {
                if (ImageEntry.repositoryKey(p.image()).equals(e.repositoryKey())
                        && (best == null || Versions.compare(tagOf(p.image()), tagOf(best.image())) > 0)) {
                    best = p;
                }
            }
            if (best != null) {
                deployed.add(new ImageEntry(best.name(), best.image()));
            }
        }
        return deployed;
    }
}
