package dev.sparseseg.models.engine;

import dev.sparseseg.models.image.RgbFrame;

/** Frame in, full-resolution label map out. One instance per thread. */
public interface Segmenter extends AutoCloseable {
    Segmentation segment(RgbFrame frame);

    @Override
    void close();
}
