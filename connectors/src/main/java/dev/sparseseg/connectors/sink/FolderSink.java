package dev.sparseseg.connectors.sink;

import dev.sparseseg.connectors.frame.SegmentRecord;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes {@code DIR/<stream>/<seq>.png} (palette label map) and, when present,
 * {@code DIR/<stream>/<seq>.overlay.jpg}. Files appear atomically (written, then renamed),
 * so a reader never sees half a PNG.
 */
public final class FolderSink implements Sink<SegmentRecord> {
    private final String dir;

    public FolderSink(Path dir) {
        this.dir = dir.toString();
    }

    @Override
    public SinkWriter<SegmentRecord> createWriter(WriterInitContext context) throws IOException {
        return new Writer(prepare(Path.of(dir)));
    }

    /**
     * Creates {@code dir} if it is missing and checks that it can be written, so that a folder
     * that cannot be fails where the writer opens (or a local run starts), not at each frame.
     */
    public static Path prepare(Path dir) throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot create output folder " + dir + " (" + e + ")", e);
        }
        if (!Files.isWritable(dir)) {
            throw new IOException("output folder " + dir + " is not writable");
        }
        return dir;
    }

    /** File name of a frame's label map: the sequence number zero-padded, so names sort in stream order. */
    public static String labelsName(long seq) {
        return String.format("%08d.png", seq);
    }

    public static String overlayName(long seq) {
        return String.format("%08d.overlay.jpg", seq);
    }

    /** {@code root/<stream>}, created; stream ids come from Kafka keys and URLs, so they are kept to one safe path segment. */
    public static Path streamDir(Path root, String streamId) throws IOException {
        String s = streamId.replaceAll("[^A-Za-z0-9._-]", "_");
        Path dir = root.resolve(s.isEmpty() || s.startsWith(".") ? "_" + s : s);
        Files.createDirectories(dir);
        return dir;
    }

    /** Writes to a temporary name and renames, so a reader never sees half a file. */
    public static void atomicWrite(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static final class Writer implements SinkWriter<SegmentRecord> {
        private final Path root;

        Writer(Path root) {
            this.root = root;
        }

        @Override
        public void write(SegmentRecord s, Context context) throws IOException {
            Path streamDir = streamDir(root, s.streamId);
            atomicWrite(streamDir.resolve(labelsName(s.seq)), s.labelsPng);
            if (s.overlayJpeg != null) {
                atomicWrite(streamDir.resolve(overlayName(s.seq)), s.overlayJpeg);
            }
        }

        @Override
        public void flush(boolean endOfInput) {
        }

        @Override
        public void close() {
        }
    }
}
