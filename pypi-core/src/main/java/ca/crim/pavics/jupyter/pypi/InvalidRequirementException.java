package ca.crim.pavics.jupyter.pypi;

/** Text that is not a PEP 508 requirement or marker; the message names it and the column. */
public class InvalidRequirementException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidRequirementException(String message) {
        super(message);
    }
}
