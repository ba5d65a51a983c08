package dev.sparseseg.models.engine;

import dev.sparseseg.models.image.RgbFrame;

/**
 * Frame in, full-resolution label map out. Not thread-safe (stages reuse buffers): one
 * per thread. The ONNX sessions belong to {@link Models}, which closes them.
 */
public interface Segmenter {
    Segmentation segment(RgbFrame frame);
}
