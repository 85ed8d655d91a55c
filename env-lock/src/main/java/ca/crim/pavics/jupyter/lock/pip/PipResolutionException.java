package ca.crim.pavics.jupyter.lock.pip;

/**
 * pip's part cannot be resolved: unsatisfiable (the message names the conflicting requirements and the chains of
 * requirements that lead to them, on one line) or refused (an sdist-only project, a VCS reference).
 */
public class PipResolutionException extends Exception {
    private static final long serialVersionUID = 1L;

    public PipResolutionException(String message) {
        super(message);
    }
}
