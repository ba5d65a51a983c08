package dev.sparseseg.connectors.frame;

import java.io.Serializable;

/**
 * Decodes encoded frames (JPEG, PNG) to RGB24 where they are read, so that decoding runs in
 * the source's threads, beside the inference rather than before it. The job supplies the
 * implementation; connectors stay free of image and model code.
 */
@FunctionalInterface
public interface FrameDecoder extends Serializable {
    /**
     * Turns an {@link FrameFormat#ENCODED} record into {@link FrameFormat#RGB24} in place, or
     * sets its {@code error} if the bytes are not a readable image. Never throws on bad input.
     */
    void decode(FrameRecord record);

    /** Leaves frames encoded (the job decodes them later). */
    FrameDecoder NONE = r -> { };

    /** Applies the decoder to records that are encoded and not already failed. */
    static void apply(FrameDecoder decoder, FrameRecord r) {
        if (r.format == FrameFormat.ENCODED && r.error == null) {
            decoder.decode(r);
        }
    }
}
