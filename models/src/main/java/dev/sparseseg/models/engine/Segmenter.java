package dev.sparseseg.models.engine;

import dev.sparseseg.models.image.RgbFrame;

/**
 * Frame in, full-resolution label map out. Not thread-safe: it shares the ONNX sessions
 * (and their buffers) of the {@link Models} it came from, which closes them; use it on
 * that {@code Models}'s thread.
 */
public interface Segmenter {
    Segmentation segment(RgbFrame frame);
}
