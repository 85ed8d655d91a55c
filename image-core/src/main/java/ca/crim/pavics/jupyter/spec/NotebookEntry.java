package ca.crim.pavics.jupyter.spec;

/**
 * One entry of {@code notebook_config.yml}: copy {@code sourceDir} of {@code repoUrl} at {@code branch}
 * (a branch, tag or commit) into {@code <destination>/<destSubDir>}.
 *
 * @param sourceDir normalized relative path, "" for the repository root
 * @param destSubDir normalized relative path, "" for the destination itself
 * @param line line of the entry in its file (1-based), 0 when built in code
 */
public record NotebookEntry(String repoUrl, String branch, String sourceDir, String destSubDir, int line) {
}
