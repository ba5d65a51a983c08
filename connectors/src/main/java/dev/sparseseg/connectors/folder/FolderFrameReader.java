package dev.sparseseg.connectors.folder;

import dev.sparseseg.connectors.frame.FrameRecord;
import dev.sparseseg.connectors.source.FrameReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Replays an image folder as a stream of encoded frames. The order comes from a list file,
 * CamVid's layout first ({@code val/} is listed by the sibling {@code val.txt}), else
 * {@code list.txt} inside the folder, else the image files sorted by name.
 */
public final class FolderFrameReader implements FrameReader {
    private final Path dir;
    private final String streamId;
    private final List<String> names;
    private final long total;
    private long next;

    /**
     * @param skip   frames already emitted before a restore
     * @param repeat times the folder is replayed (benchmarks and soak runs)
     */
    public FolderFrameReader(Path dir, String streamId, long skip, int repeat) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("image folder " + dir + " does not exist");
        }
        this.dir = dir;
        this.streamId = streamId;
        this.names = listFrames(dir);
        if (names.isEmpty()) {
            throw new IOException("image folder " + dir + " holds no PNG or JPEG files");
        }
        this.total = (long) names.size() * repeat;
        this.next = Math.min(skip, total);
    }

    /** Frame file names in replay order. */
    public static List<String> listFrames(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        Path sibling = abs.getParent() == null ? null : abs.getParent().resolve(abs.getFileName() + ".txt");
        for (Path list : new Path[]{sibling, abs.resolve("list.txt")}) {
            if (list != null && Files.isRegularFile(list)) {
                return Files.readAllLines(list).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
            }
        }
        try (Stream<Path> files = Files.list(abs)) {
            return files.map(p -> p.getFileName().toString()).filter(FolderFrameReader::isImage).sorted().toList();
        }
    }

    private static boolean isImage(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    public int size() {
        return names.size();
    }

    @Override
    public FrameRecord read() {
        if (next >= total) {
            return null;
        }
        Path file = dir.resolve(names.get((int) (next % names.size())));
        long seq = next++;
        try {
            return FrameRecord.encoded(streamId, seq, System.currentTimeMillis(), Files.readAllBytes(file));
        } catch (IOException e) {
            // One unreadable file must not stop the stream: it becomes a dead letter.
            FrameRecord bad = FrameRecord.encoded(streamId, seq, System.currentTimeMillis(), new byte[0]);
            bad.error = "cannot read frame " + file + ": " + e;
            return bad;
        }
    }

    @Override
    public void close() {
    }
}
