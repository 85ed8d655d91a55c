package ca.crim.pavics.jupyter.pypi;

/** A string that is not a PEP 440 version, or a specifier that is not PEP 440's. The message says which. */
public class InvalidVersionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidVersionException(String message) {
        super(message);
    }
}
