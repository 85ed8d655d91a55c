package ca.crim.pavics.jupyter.lock.pip;

/** A package index that cannot be read, or a file that is not what it claims; the message is one line naming the URL. */
public class PypiException extends Exception {
    private static final long serialVersionUID = 1L;

    public PypiException(String message) {
        super(message);
    }
}
