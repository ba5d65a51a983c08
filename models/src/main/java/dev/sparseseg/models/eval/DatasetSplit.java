package dev.sparseseg.models.eval;

import dev.sparseseg.models.image.ImageFiles;
import dev.sparseseg.models.image.LabelMap;
import dev.sparseseg.models.image.RgbFrame;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A split in CamVid's layout: {@code <split>.txt} lists frame names in order,
 * {@code <split>/NAME} is the RGB frame and {@code <split>annot/NAME} its label map.
 * {@link #resizedTo} reads the same split at another size, {@link #sequence} one sequence of it.
 */
public final class DatasetSplit {
    private final Path root;
    private final String split;
    private final List<String> names;
    /** Width and height every frame and label map is resized to as it is read, or null. */
    private final int[] size;

    public DatasetSplit(Path root, String split) {
        this.root = root;
        this.split = split;
        this.size = null;
        Path list = root.resolve(split + ".txt");
        if (!Files.isRegularFile(list)) {
            throw new IllegalArgumentException("no list file " + list + " (expected CamVid's layout: "
                    + split + ".txt, " + split + "/, " + split + "annot/)");
        }
        try {
            this.names = Files.readAllLines(list).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + list, e);
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException(list + " lists no frames");
        }
        for (String dir : List.of(split, split + "annot")) {
            if (!Files.isDirectory(root.resolve(dir))) {
                throw new IllegalArgumentException("missing directory " + root.resolve(dir));
            }
        }
    }

    private DatasetSplit(DatasetSplit base, List<String> names, int[] size) {
        this.root = base.root;
        this.split = base.split;
        this.names = names;
        this.size = size;
    }

    /**
     * The frames of one CamVid sequence (names {@code SEQUENCE_...}, e.g. 0006R0): a
     * sequence held out of training, measured on its own.
     */
    public DatasetSplit sequence(String sequence) {
        List<String> kept = names.stream().filter(n -> n.startsWith(sequence + "_")).toList();
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("sequence " + sequence + ": " + root.resolve(split + ".txt")
                    + " lists no frame named " + sequence + "_*");
        }
        return new DatasetSplit(this, kept, size);
    }

    /**
     * This split with frames and labels resized to {@code width x height} as they are read
     * ({@link UpscaledFrames}: centre crop to that aspect, frames bilinear, labels nearest):
     * camera-sized frames whose labels keep the dataset's own detail, never written to disk.
     */
    public DatasetSplit resizedTo(int width, int height) {
        if (width < 16 || height < 16) {
            throw new IllegalArgumentException("resize to " + width + "x" + height + ": at least 16x16");
        }
        return new DatasetSplit(this, names, new int[] {width, height});
    }

    /** The dataset path the tests and tools default to: {@code -Dsparseseg.camvid}, else ../shared/datasets/camvid. */
    public static Path defaultCamVid() {
        String p = System.getProperty("sparseseg.camvid");
        return Path.of(p != null ? p : "../shared/datasets/camvid");
    }

    public int size() {
        return names.size();
    }

    public String name(int i) {
        return names.get(i);
    }

    public Path root() {
        return root;
    }

    public String split() {
        return split;
    }

    public Path framePath(int i) {
        return root.resolve(split).resolve(names.get(i));
    }

    public RgbFrame frame(int i) throws IOException {
        RgbFrame f = ImageFiles.readRgb(framePath(i));
        return size == null ? f : UpscaledFrames.frame(f, size[0], size[1]);
    }

    public LabelMap labels(int i) throws IOException {
        LabelMap m = ImageFiles.readLabels(root.resolve(split + "annot").resolve(names.get(i)));
        return size == null ? m : UpscaledFrames.labels(m, size[0], size[1]);
    }
}
