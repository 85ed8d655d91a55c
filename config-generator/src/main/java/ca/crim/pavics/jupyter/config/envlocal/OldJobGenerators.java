package ca.crim.pavics.jupyter.config.envlocal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Notebook deploy jobs that something other than config-generator defines in env.local, which would clash with ours
 * (same job names: birdhouse's "add once" guards keep whichever came first):
 * <ul>
 * <li>the old generator of pavics-jupyter-base, {@code scheduler-jobs/deploy_data_pavics_jupyter.env}, sourced as
 *     birdhouse's env.local.example showed since 2021 ({@code . $DEPLOY_DATA_PAVICS_JUPYTER_ENV}): refused, or with
 *     {@code replace} its sourcing command is turned into the no-op {@code :} (a comment would leave an empty
 *     {@code if} body, a syntax error), keeping the original text after it;</li>
 * <li>a job named {@code notebookdeploy-<one of our folders>} written outside our block: refused, naming the line to
 *     remove (text inside another value cannot be taken out safely).</li>
 * </ul>
 * Comment lines and our own block are not looked at.
 */
final class OldJobGenerators {
    static final String DISABLED = ": # disabled by config-generator of pavics-jupyter-images, whose notebook deploy jobs replace"
            + " the jobs of the old generator: ";
    /** The sourcing command alone on its line, as birdhouse's env.local.example wrote it: what can be disabled. */
    private static final Pattern SOURCING = Pattern.compile(
            "^(\\s*)((?:\\.|source)\\s+\"?\\$\\{?DEPLOY_DATA_PAVICS_JUPYTER_ENV}?\"?\\s*)$");
    /** A line that names the old generator's variable or file. */
    private static final Pattern MENTION = Pattern.compile("DEPLOY_DATA_PAVICS_JUPYTER_ENV|deploy_data_pavics_jupyter\\.env");
    /** Lines that name it harmlessly: its assignment, and the example's file test. */
    private static final Pattern HARMLESS = Pattern.compile("^\\s*(?:export\\s+)?DEPLOY_DATA_PAVICS_JUPYTER_ENV=\\S*\\s*$"
            + "|^\\s*if\\s+\\[\\s+-[ef]\\s+\"?\\$\\{?DEPLOY_DATA_PAVICS_JUPYTER_ENV}?\"?\\s+]\\s*;\\s*then\\s*$");

    private final String fileName;

    OldJobGenerators(String fileName) {
        this.fileName = fileName;
    }

    /**
     * Checks {@code text} (outside {@code block}); with {@code replace}, disables the old generator's sourcing.
     *
     * @param folders the folder names of our images (a job {@code notebookdeploy-FOLDER} would be ours)
     * @return descriptions of the changes made
     * @throws EnvLocalException naming the first line to remove when a clash is found and cannot be replaced
     */
    List<String> check(String text, Optional<int[]> block, Set<String> folders, boolean replace, TextEdits edits)
            throws EnvLocalException {
        List<String> changes = new ArrayList<>();
        Pattern ours = Pattern.compile("(?<![\\w.-])" + Pattern.quote(NotebookDeployJobs.JOB_PREFIX) + "("
                + String.join("|", folders.stream().map(Pattern::quote).toList()) + ")(?![\\w.-])");
        List<int[]> lines = JobsBlock.lineSpans(text);
        for (int i = 0; i < lines.size(); i++) {
            int[] span = lines.get(i);
            if (JobsBlock.inside(block, span[0])) {
                continue;
            }
            String line = text.substring(span[0], span[1]);
            if (line.strip().startsWith("#")) {
                continue;
            }
            int number = i + 1;
            Matcher m = SOURCING.matcher(line);
            if (m.matches()) {
                if (!replace) {
                    throw new EnvLocalException(fileName + ":" + number + ": '" + m.group(2).strip() + "' sources the old"
                            + " notebook job generator of pavics-jupyter-base, whose jobs have the same names as ours and"
                            + " would keep running instead: remove that line, or let config-generator disable it",
                            EnvLocalException.Remedy.REPLACE_OLD_JOBS);
                }
                edits.replace(span[0] + m.group(1).length(), span[1], DISABLED + m.group(2));
                changes.add("disabled the old notebook job generator (line " + number + ")");
                continue;
            }
            if (MENTION.matcher(line).find() && !HARMLESS.matcher(line).matches() && !line.strip().startsWith(DISABLED.strip())) {
                throw new EnvLocalException(fileName + ":" + number + ": '" + line.strip() + "' uses the old notebook job"
                        + " generator of pavics-jupyter-base, whose jobs have the same names as ours and would keep running"
                        + " instead: remove what sources it (this form is not disabled automatically)");
            }
            Matcher job = ours.matcher(line);
            if (!folders.isEmpty() && job.find()) {
                throw new EnvLocalException(fileName + ":" + number + ": a job named " + job.group() + " is defined"
                        + " outside the block config-generator writes: remove it (the block defines the job of "
                        + job.group(1) + ")");
            }
        }
        return changes;
    }
}
