package dev.sparseseg.cli;

import dev.sparseseg.connectors.frame.PalettePng;
import dev.sparseseg.models.eval.DatasetSplit;
import dev.sparseseg.models.eval.Evaluation;
import dev.sparseseg.models.eval.UpscaledFrames;
import dev.sparseseg.models.image.ImageFiles;
import dev.sparseseg.models.image.ImageFiles.DecodePath;
import dev.sparseseg.models.image.LabelMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/**
 * {@code sparseseg bench-decode}: milliseconds per frame to decode a split's images with each
 * PNG path (libdeflate, zlib, ImageIO), on one thread, in alternating rounds; medians printed.
 * Decoding is the job's largest cost beside inference. With {@code --resolutions}, the same at
 * camera resolutions instead, with frames made by upscaling the split's: JPEG decoding
 * (libjpeg-turbo, ImageIO) and label-map PNG encoding (bands on all cores, one thread).
 */
@Command(name = "bench-decode", mixinStandardHelpOptions = true,
        description = {"Milliseconds per frame to decode a split's images with libdeflate, zlib and ImageIO.",
                "With --resolutions: JPEG decoding (libjpeg-turbo, ImageIO) and label-map PNG encoding (parallel, single thread) "
                        + "at those sizes, frames made by upscaling the split's."})
public final class BenchDecodeCommand implements Callable<Integer> {
    /** Any palette: encoding time does not depend on it. */
    private static final int[] GREYS = IntStream.range(0, 256).map(i -> i * 0x010101).toArray();

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--rounds", defaultValue = "5", description = "Rounds over the frames, the paths in turn in each (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--resolutions", split = ",", paramLabel = "WxH",
            description = "Camera resolutions to measure instead of the split's own PNGs, e.g. 1920x1080,3840x2160.")
    List<String> resolutions;

    @Option(names = "--frames", defaultValue = "8",
            description = "With --resolutions: frames per resolution, spread over the split (default: ${DEFAULT-VALUE}).")
    int frames;

    @Override
    public Integer call() throws IOException {
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds " + rounds + " must be at least 1");
        }
        DatasetSplit ds = dataset.open();
        if (resolutions != null && !resolutions.isEmpty()) {
            if (frames < 1) {
                throw new IllegalArgumentException("--frames " + frames + " must be at least 1");
            }
            for (String r : resolutions) {
                benchResolution(ds, r);
            }
            return 0;
        }
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
        Map<String, Work> work = new LinkedHashMap<>();
        for (DecodePath p : paths) {
            work.put(name(p), i -> ImageFiles.decodeRgb(files.get(i), ds.name(i), p));
        }
        System.out.printf("%d frames of %s, one thread, %s after a warm-up pass%n", files.size(), ds.split(), rounds(rounds));
        printMedians("median ms per frame:", run(work, files.size()));
        return 0;
    }

    private void benchResolution(DatasetSplit ds, String resolution) throws IOException {
        String[] wh = resolution.trim().split("x");
        int w;
        int h;
        try {
            w = Integer.parseInt(wh[0]);
            h = Integer.parseInt(wh[1]);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("--resolutions " + resolution + ": expected WIDTHxHEIGHT, e.g. 1920x1080");
        }
        if (wh.length != 2 || w < 1 || h < 1 || (long) w * h > 1 << 26) {
            throw new IllegalArgumentException("--resolutions " + resolution + ": expected WIDTHxHEIGHT, at most 64 Mpixels");
        }
        int n = Math.min(frames, ds.size());
        List<byte[]> jpegs = new ArrayList<>();
        List<LabelMap> labels = new ArrayList<>();
        long jpegBytes = 0;
        for (int k = 0; k < n; k++) {
            int i = (int) ((long) k * ds.size() / n);
            jpegs.add(UpscaledFrames.jpeg(UpscaledFrames.upscale(ds.frame(i), w, h), 0.9f, false));
            jpegBytes += jpegs.get(k).length;
            labels.add(UpscaledFrames.upscale(ds.labels(i), w, h));
        }
        // The paths must agree, or the timings compare different work.
        byte[] viaImageIo = ImageFiles.decodeRgb(jpegs.get(0), resolution, DecodePath.IMAGEIO).rgb();
        byte[] fastest = ImageFiles.decodeRgb(jpegs.get(0), resolution, DecodePath.FASTEST).rgb();
        int worst = 0;
        for (int i = 0; i < fastest.length; i++) {
            worst = Math.max(worst, Math.abs((fastest[i] & 0xFF) - (viaImageIo[i] & 0xFF)));
        }
        LabelMap m = labels.get(0);
        if (!Arrays.equals(PalettePng.decode(PalettePng.encode(m.labels(), w, h, GREYS, true)).labels(), m.labels())
                || !Arrays.equals(PalettePng.decode(PalettePng.encode(m.labels(), w, h, GREYS, false)).labels(), m.labels())) {
            throw new IllegalStateException("a label-map PNG at " + resolution + " does not read back its labels");
        }
        String jpegFast = ImageFiles.turboJpegAvailable() ? "jpeg-libjpeg-turbo" : "jpeg-fastest(imageio: install libturbojpeg0)";
        Map<String, Work> work = new LinkedHashMap<>();
        work.put(jpegFast, i -> ImageFiles.decodeRgb(jpegs.get(i), resolution, DecodePath.FASTEST));
        work.put("jpeg-imageio", i -> ImageFiles.decodeRgb(jpegs.get(i), resolution, DecodePath.IMAGEIO));
        work.put("png-parallel", i -> PalettePng.encode(labels.get(i).labels(), w, h, GREYS, true));
        work.put("png-single", i -> PalettePng.encode(labels.get(i).labels(), w, h, GREYS, false));
        System.out.printf("%s: %d frames of %s upscaled, JPEG quality 0.9 (%d KB each on average; libjpeg-turbo and ImageIO "
                        + "differ by up to %d per channel), label maps as palette PNGs on %d cores; %s after a warm-up pass%n",
                resolution, n, ds.split(), jpegBytes / n / 1024, worst, Runtime.getRuntime().availableProcessors(), rounds(rounds));
        printMedians("median ms per frame at " + resolution + ":", run(work, n));
    }

    /** What one path does to frame {@code i}. */
    private interface Work {
        void frame(int i) throws IOException;
    }

    /** Milliseconds per frame of each path in each round, the paths in turn within a round. */
    private Map<String, double[]> run(Map<String, Work> work, int n) throws IOException {
        Map<String, double[]> ms = new LinkedHashMap<>();
        work.keySet().forEach(p -> ms.put(p, new double[rounds]));
        for (int r = -1; r < rounds; r++) {
            StringBuilder line = new StringBuilder(r < 0 ? "warm-up:" : "round " + (r + 1) + ":");
            for (Map.Entry<String, Work> p : work.entrySet()) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    p.getValue().frame(i);
                }
                double perFrame = (System.nanoTime() - t0) / 1e6 / n;
                if (r >= 0) {
                    ms.get(p.getKey())[r] = perFrame;
                }
                line.append(String.format(" %s %.2f ms", p.getKey(), perFrame));
            }
            System.out.println(line);
        }
        return ms;
    }

    private static void printMedians(String title, Map<String, double[]> ms) {
        StringBuilder medians = new StringBuilder(title);
        ms.forEach((p, v) -> medians.append(String.format(" %s %.2f", p, Evaluation.median(v))));
        System.out.println(medians);
    }

    static String rounds(int n) {
        return n + (n == 1 ? " round" : " rounds");
    }

    private static String name(DecodePath p) {
        return switch (p) {
            case FASTEST -> "libdeflate";
            case ZLIB -> "zlib";
            case IMAGEIO -> "imageio";
        };
    }
}
