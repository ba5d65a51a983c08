package dev.sparseseg.connectors.frame;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
    /** On a dead letter whose original was cut to fit the topic: the original's length in bytes. */
    public static final String TRUNCATED_FROM = "truncated-from";

    private Headers() {
    }

    /**
     * A record's headers (in order, repeats and null values kept) as one byte array, so that a
     * frame carries them as a plain field of its Flink POJO to a possible dead letter.
     */
    public static byte[] pack(List<Map.Entry<String, byte[]>> headers) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(headers.size());
            for (Map.Entry<String, byte[]> h : headers) {
                out.writeUTF(h.getKey());
                byte[] v = h.getValue();
                out.writeInt(v == null ? -1 : v.length);
                if (v != null) {
                    out.write(v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The headers {@link #pack} packed; empty for null. */
    public static List<Map.Entry<String, byte[]>> unpack(byte[] packed) {
        List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
        if (packed == null) {
            return headers;
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(packed))) {
            for (int n = in.readInt(); n > 0; n--) {
                String key = in.readUTF();
                int len = in.readInt();
                byte[] v = len < 0 ? null : in.readNBytes(len);
                headers.add(new SimpleImmutableEntry<>(key, v));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return headers;
    }
}
