package dev.sparseseg.models.card;

/** A model or its card cannot be used; the message names the file and what is wrong. */
public class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
