package dev.sparseseg.connectors.frame;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One segmented frame on its way out: the palette PNG label map, optionally a JPEG overlay
 * and a mask of the refined pixels, and the metadata that travels as Kafka headers (docs/design.md section 4).
 */
public class SegmentRecord {
    public String streamId;
    public long seq;
    public long timestampMs;
    public int width;
    public int height;
    /** 8-bit palette PNG: pixel value = class id. */
    public byte[] labelsPng;
    /** JPEG of the frame blended with class colours; null when overlays are off. */
    public byte[] overlayJpeg;
    /** 1-bit PNG of the pixels refined ({@link MaskPng}); null when masks are off. */
    public byte[] maskPng;
    /** Further headers in order: model, refined, latency-ms, per-stage timings. */
    public Map<String, String> headers = new LinkedHashMap<>();

    public SegmentRecord() {
    }

    /** All headers as sent: seq, ts, width, height, then {@link #headers}. */
    public Map<String, String> allHeaders() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(Headers.SEQ, Long.toString(seq));
        h.put(Headers.TS, Long.toString(timestampMs));
        h.put(Headers.WIDTH, Integer.toString(width));
        h.put(Headers.HEIGHT, Integer.toString(height));
        h.putAll(headers);
        return h;
    }

    @Override
    public String toString() {
        return "SegmentRecord{" + streamId + "#" + seq + ", " + width + "x" + height + "}";
    }
}
