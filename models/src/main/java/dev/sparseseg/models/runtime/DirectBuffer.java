package dev.sparseseg.models.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A direct buffer reused across inference runs (ONNX Runtime reads and writes it without a
 * copy). It grows with headroom, so frames with a few more selected pixels do not
 * reallocate; and it shrinks back once {@link #SHRINK_AFTER} runs in a row have needed less
 * than a quarter of a large one, so that one 8K frame does not hold 900 MB of a TaskManager's
 * direct memory for the rest of the job (the old buffer is freed when it is collected).
 */
final class DirectBuffer {
    /** Buffers below this are never shrunk: reallocating them would cost more than they hold. */
    static final int SHRINK_ABOVE_BYTES = 16 << 20;
    static final int SHRINK_AFTER = 50;

    private ByteBuffer buffer;
    private int smallRuns;

    /** A cleared buffer of at least {@code bytes}, native byte order. */
    ByteBuffer get(int bytes) {
        if (buffer == null || buffer.capacity() < bytes) {
            int cap = buffer == null ? bytes : Math.max(bytes, buffer.capacity() + buffer.capacity() / 2);
            buffer = allocate(cap);
            smallRuns = 0;
        } else if (buffer.capacity() > SHRINK_ABOVE_BYTES && bytes < buffer.capacity() / 4) {
            if (++smallRuns >= SHRINK_AFTER) {
                buffer = allocate(bytes + bytes / 2);
                smallRuns = 0;
            }
        } else {
            smallRuns = 0;
        }
        return buffer.clear();
    }

    int capacity() {
        return buffer == null ? 0 : buffer.capacity();
    }

    private static ByteBuffer allocate(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
}
