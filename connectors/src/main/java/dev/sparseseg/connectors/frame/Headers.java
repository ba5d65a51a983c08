package dev.sparseseg.connectors.frame;

/** Kafka header names of the input, output and dead-letter topics (docs/design.md section 4). */
public final class Headers {
    public static final String SEQ = "seq";
    public static final String TS = "ts";
    public static final String WIDTH = "width";
    public static final String HEIGHT = "height";
    public static final String MODEL = "model";
    public static final String REFINED = "refined";
    /** Pixels a latency budget let the frame refine (only with {@code --latency-budget-ms}). */
    public static final String PIXEL_BUDGET = "pixel-budget";
    public static final String LATENCY_MS = "latency-ms";
    public static final String DROPPED = "dropped";
    /** Per-stage timings: {@code stage-ms-coarse}, {@code stage-ms-select}, ... */
    public static final String STAGE_MS_PREFIX = "stage-ms-";
    public static final String ERROR = "error";

    private Headers() {
    }
}
