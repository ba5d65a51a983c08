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
 */
public final class DatasetSplit {
    private final Path root;
    private final String split;
    private final List<String> names;

    public DatasetSplit(Path root, String split) {
        this.root = root;
        this.split = split;
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
        return ImageFiles.readRgb(framePath(i));
    }

    public LabelMap labels(int i) throws IOException {
        return ImageFiles.readLabels(root.resolve(split + "annot").resolve(names.get(i)));
    }
}
