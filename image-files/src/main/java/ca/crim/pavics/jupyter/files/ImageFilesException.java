package ca.crim.pavics.jupyter.files;

/** A problem with declared image files or their lock, in one line ready to show (file and line when known). */
public final class ImageFilesException extends Exception {
    private static final long serialVersionUID = 1L;

    public ImageFilesException(String message) {
        super(message.replace('\n', ' '));
    }
}
