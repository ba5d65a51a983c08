package dev.sparseseg.viewer;

import java.util.Locale;

/** What the page shows of each stream, and which topics' records that takes. */
public enum View {
    /** The frame blended with class colours (the overlay topic's JPEGs). */
    OVERLAY,
    /** The palette PNG label map (the label topic). */
    LABELS,
    /** Where refinement was spent (the mask topic), laid over the overlay of the same frame. */
    MASK;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static View of(String id) {
        for (View v : values()) {
            if (v.id().equals(id)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown view '" + id + "' (overlay, labels, mask)");
    }

    /** Whether this view needs records of {@code kind}. */
    public boolean shows(LiveStreams.Kind kind) {
        return switch (this) {
            case OVERLAY -> kind == LiveStreams.Kind.OVERLAY;
            case LABELS -> kind == LiveStreams.Kind.LABELS;
            case MASK -> kind == LiveStreams.Kind.MASK || kind == LiveStreams.Kind.OVERLAY;
        };
    }
}
