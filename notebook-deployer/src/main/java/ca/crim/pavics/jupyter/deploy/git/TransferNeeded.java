package ca.crim.pavics.jupyter.deploy.git;

/**
 * A fetch would transfer objects, and the cache was opened to check only ({@link GitCache#checkOnly}): nothing was
 * fetched or changed.
 */
public final class TransferNeeded extends Exception {
    private static final long serialVersionUID = 1L;

    public TransferNeeded(String url) {
        super("new commits to fetch from " + url);
    }
}
