package dev.sparseseg.models.runtime;

import java.io.Serializable;

/** Where models run: {@code cpu}, or {@code cuda} / {@code cuda:N}. Serializable, as part of {@code EngineConfig}. */
public record Device(boolean cuda, int index) implements Serializable {

    public static final Device CPU = new Device(false, 0);

    public static Device parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase();
        if (t.equals("cpu")) {
            return CPU;
        }
        if (t.equals("cuda")) {
            return new Device(true, 0);
        }
        if (t.startsWith("cuda:")) {
            try {
                int n = Integer.parseInt(t.substring(5));
                if (n >= 0) {
                    return new Device(true, n);
                }
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("device \"" + text + "\" is not one of cpu, cuda, cuda:N");
    }

    @Override
    public String toString() {
        return cuda ? "cuda:" + index : "cpu";
    }
}
