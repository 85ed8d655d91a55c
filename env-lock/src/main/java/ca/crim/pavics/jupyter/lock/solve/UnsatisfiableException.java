package ca.crim.pavics.jupyter.lock.solve;

/** No environment meets the request; the message explains why in terms of specs and packages (several lines). */
public final class UnsatisfiableException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnsatisfiableException(String explanation) {
        super(explanation);
    }
}
