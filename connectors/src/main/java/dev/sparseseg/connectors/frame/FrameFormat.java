package dev.sparseseg.connectors.frame;

/** How a {@link FrameRecord} carries its pixels. */
public enum FrameFormat {
    /** An encoded image (JPEG or PNG) as a producer sent it; decoded by the job. */
    ENCODED,
    /** Packed 8-bit RGB, row-major, already decoded (video grabbers). */
    RGB24
}
