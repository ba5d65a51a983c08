package dev.sparseseg.cli;

import dev.sparseseg.models.eval.DatasetSplit;
import dev.sparseseg.models.eval.Evaluation;
import dev.sparseseg.models.image.ImageFiles;
import dev.sparseseg.models.image.ImageFiles.DecodePath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code sparseseg bench-decode}: milliseconds per frame to decode a split's images with each
 * PNG path (libdeflate, zlib, ImageIO), on one thread, in alternating rounds; medians printed.
 * Decoding is the job's largest cost beside inference.
 */
@Command(name = "bench-decode", mixinStandardHelpOptions = true,
        description = "Milliseconds per frame to decode a split's images with libdeflate, zlib and ImageIO.")
public final class BenchDecodeCommand implements Callable<Integer> {
    @Mixin
    DatasetOptions dataset;

    @Option(names = "--rounds", defaultValue = "5", description = "Rounds over the split, the paths in turn in each (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws IOException {
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds " + rounds + " must be at least 1");
        }
        DatasetSplit ds = dataset.open();
        List<byte[]> files = new ArrayList<>();
        for (int i = 0; i < ds.size(); i++) {
            files.add(Files.readAllBytes(ds.framePath(i)));
        }
        List<DecodePath> paths = new ArrayList<>(List.of(DecodePath.FASTEST, DecodePath.ZLIB, DecodePath.IMAGEIO));
        if (!ImageFiles.libDeflateAvailable()) {
            System.out.println("libdeflate not loaded (install libdeflate0): the fastest path is zlib");
            paths.remove(DecodePath.FASTEST);
        }
        // The paths must agree pixel for pixel, or the timings compare different work.
        byte[] reference = ImageFiles.decodeRgb(files.get(0), ds.name(0), DecodePath.IMAGEIO).rgb();
        for (DecodePath p : paths) {
            if (!Arrays.equals(reference, ImageFiles.decodeRgb(files.get(0), ds.name(0), p).rgb())) {
                throw new IllegalStateException(p + " decodes " + ds.name(0) + " differently from ImageIO");
            }
        }
        Map<DecodePath, double[]> ms = new EnumMap<>(DecodePath.class);
        paths.forEach(p -> ms.put(p, new double[rounds]));
        System.out.printf("%d frames of %s, one thread, %d rounds after a warm-up pass%n", files.size(), ds.split(), rounds);
        for (int r = -1; r < rounds; r++) {
            StringBuilder line = new StringBuilder(r < 0 ? "warm-up:" : "round " + (r + 1) + ":");
            for (DecodePath p : paths) {
                long t0 = System.nanoTime();
                for (int i = 0; i < files.size(); i++) {
                    ImageFiles.decodeRgb(files.get(i), ds.name(i), p);
                }
                double perFrame = (System.nanoTime() - t0) / 1e6 / files.size();
                if (r >= 0) {
                    ms.get(p)[r] = perFrame;
                }
                line.append(String.format(" %s %.2f ms", name(p), perFrame));
            }
            System.out.println(line);
        }
        StringBuilder medians = new StringBuilder("median ms per frame:");
        paths.forEach(p -> medians.append(String.format(" %s %.2f", name(p), Evaluation.median(ms.get(p)))));
        System.out.println(medians);
        return 0;
    }

    private static String name(DecodePath p) {
        return switch (p) {
            case FASTEST -> "libdeflate";
            case ZLIB -> "zlib";
            case IMAGEIO -> "imageio";
        };
    }
}
