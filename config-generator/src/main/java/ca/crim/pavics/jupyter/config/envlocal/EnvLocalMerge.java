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
    public static final String BLOCK_BEGIN =
            "# >>> pavics-jupyter-images: notebook deploy jobs (managed by config-generator; edits inside are replaced) >>>";
    public static final String BLOCK_END = "# <<< pavics-jupyter-images: notebook deploy jobs <<<";

    /**
     * @param keepPrevious keep the old version offered beside the new one
     * @param legacyNames write the older birdhouse variable names when creating variables and jobs
     */
    /**
     * @param jobsInComponent the server runs scheduler jobs as components (birdhouse 2.15 and later): the jobs block
     *     is not written, and one written earlier is removed
     */
    public record Options(boolean keepPrevious, boolean legacyNames, String deployerImage, boolean jobsInComponent) {
        /** Jobs in env.local (birdhouse before 2.15). */
        public Options(boolean keepPrevious, boolean legacyNames, String deployerImage) {
            this(keepPrevious, legacyNames, deployerImage, false);
        }
    }

    public record Result(String text, List<String> changes, List<String> warnings) {
        public boolean changed(String before) {
            return !text.equals(before);
        }
    }

    private record Pair(String image, String name) {
    }

    private final String fileName;
    private final List<String> changes = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    public EnvLocalMerge(String fileName) {
        this.fileName = fileName;
    }

    public Result merge(String text, List<ImageEntry> ours, Options options) throws EnvLocalException {
        changes.clear();
        warnings.clear();
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
        boolean legacyFile = !legacy.isEmpty();
        Birdhouse vars = Birdhouse.of(legacyFile || options.legacyNames());
        String imagesVar = legacyFile ? Birdhouse.LEGACY.images() : (options.legacyNames() && current.isEmpty()
                ? Birdhouse.LEGACY.images() : Birdhouse.CURRENT.images());
        Assignment images = effective(imagesVar, legacyFile ? legacy : current);
        Assignment names = effective(vars.selectionNames(), byName.getOrDefault(vars.selectionNames(), List.of()));
        if ((images == null) != (names == null)) {
            Assignment set = images != null ? images : names;
            throw new EnvLocalException(fileName + ":" + set.line() + ": " + set.name() + " is set but "
                    + (images == null ? imagesVar : vars.selectionNames()) + " is not: set both, same count, same order");
        }

        TextEdits edits = new TextEdits();
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
            finalPairs = mergeLists(text, WordList.of(images), WordList.of(names), ours, options, edits);
        }
        if (!changes.isEmpty() && byName.containsKey(vars.allowedImages())) {
            warnings.add(vars.allowedImages() + " is set (line " + byName.get(vars.allowedImages()).get(0).line()
                    + "): add or update the entries of the merged images there by hand");
        }
        if (options.jobsInComponent()) {
            removeJobsBlock(text, edits);
        } else {
            jobsBlock(text, ours, finalPairs, new NotebookDeployJobs(vars, options.deployerImage()), edits);
        }
        return new Result(edits.applyTo(text), List.copyOf(changes), List.copyOf(warnings));
    }

    /** Where new text goes at the end: before our jobs block if there is one, else at the very end. */
    private static int endInsertionPoint(String text) {
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
                changes.add(imgs.get(best) + " -> " + written + " (entry " + (best + 1) + ", " + newName + ")");
            }
        }
        List<Pair> result = new ArrayList<>();
        for (int i = 0; i < imgs.size(); i++) {
            result.add(replaced.getOrDefault(i, new Pair(imgs.get(i), nms.get(i))));
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

    /** Where our jobs block is: {@code [begin, end)} offsets of its lines, or empty when the file has none. */
    private java.util.Optional<int[]> findJobsBlock(String text) throws EnvLocalException {
        int begin = findLine(text, BLOCK_BEGIN, 0);
        if (begin < 0) {
            if (findLine(text, BLOCK_END, 0) >= 0) {
                throw new EnvLocalException(fileName + ": the end marker of the notebook jobs block has no begin marker: "
                        + "remove the line '" + BLOCK_END + "'");
            }
            return java.util.Optional.empty();
        }
        int end = findLine(text, BLOCK_END, begin);
        if (end < 0) {
            throw new EnvLocalException(fileName + ":" + lineOf(text, begin) + ": the notebook jobs block has no end marker '"
                    + BLOCK_END + "'");
        }
        int blockEnd = text.indexOf('\n', end);
        return java.util.Optional.of(new int[] {begin, blockEnd < 0 ? text.length() : blockEnd + 1});
    }

    /** Removes the jobs block written earlier (the component holds the jobs now), with the blank line before it. */
    private void removeJobsBlock(String text, TextEdits edits) throws EnvLocalException {
        java.util.Optional<int[]> found = findJobsBlock(text);
        if (found.isEmpty()) {
            return;
        }
        int begin = found.get()[0];
        int start = begin >= 2 && text.startsWith("\n\n", begin - 2) ? begin - 1 : begin;
        edits.replace(start, found.get()[1], "");
        changes.add("removed the notebook deploy jobs block (line " + lineOf(text, begin) + "): on this server the jobs come"
                + " from the component (config-generator component)");
    }

    private void jobsBlock(String text, List<ImageEntry> ours, List<Pair> finalPairs, NotebookDeployJobs jobs,
            TextEdits edits) throws EnvLocalException {
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
        String block = BLOCK_BEGIN + "\n" + jobs.shell(deployed) + BLOCK_END + "\n";
        java.util.Optional<int[]> found = findJobsBlock(text);
        if (found.isEmpty()) {
            String lead = text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n";
            edits.insert(text.length(), lead + block);
            changes.add("added the notebook deploy jobs block (" + deployed.size() + " job(s))");
            return;
        }
        int begin = found.get()[0];
        int blockEnd = found.get()[1];
        String existing = text.substring(begin, blockEnd);
        if (!existing.equals(block) && !(existing + "\n").equals(block)) {
            edits.replace(begin, blockEnd, block);
            changes.add("updated the notebook deploy jobs block (" + deployed.size() + " job(s))");
        }
    }

    private static int findLine(String text, String line, int from) {
        int i = text.indexOf(line, from);
        while (i >= 0) {
            boolean atStart = i == 0 || text.charAt(i - 1) == '\n';
            int after = i + line.length();
            boolean atEnd = after == text.length() || text.charAt(after) == '\n';
            if (atStart && atEnd) {
                return i;
            }
            i = text.indexOf(line, i + 1);
        }
        return -1;
    }

    private static int lineOf(String text, int offset) {
        return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    }
}
