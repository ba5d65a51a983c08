package dev.sparseseg.job.stages;

import dev.sparseseg.connectors.frame.FrameDecoder;
import dev.sparseseg.connectors.frame.FrameFormat;
import dev.sparseseg.connectors.frame.FrameRecord;
import dev.sparseseg.models.image.ImageFiles;
import dev.sparseseg.models.image.RgbFrame;

/** JPEG/PNG to RGB with the engine's decoder, run by the sources in their own threads. */
public final class ImageDecoder implements FrameDecoder {
    @Override
    public void decode(FrameRecord r) {
        long t0 = System.nanoTime();
        try {
            RgbFrame f = ImageFiles.decodeRgb(r.data, "frame " + r.streamId + "#" + r.seq);
            r.data = f.rgb();
            r.width = f.width();
            r.height = f.height();
            r.format = FrameFormat.RGB24;
            r.decodeNanos = System.nanoTime() - t0;
        } catch (Exception | OutOfMemoryError e) {
            // A corrupt or absurdly large image must not take the job down: it becomes a dead letter.
            r.error = "frame " + r.streamId + "#" + r.seq + " is not a readable image: " + e.getMessage();
        }
    }
}
