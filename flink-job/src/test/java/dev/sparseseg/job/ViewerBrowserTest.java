package dev.sparseseg.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparseseg.connectors.frame.MaskPng;
import dev.sparseseg.viewer.Legend;
import dev.sparseseg.viewer.Viewer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The live viewer in a real headless Chromium: two cameras' CamVid frames through the real job
 * (Kafka in, overlays, label maps and refined-pixel masks out on an in-process broker), the
 * viewer consuming those topics, the page showing both streams as they change, the legend's
 * classes, and each of its three views. Screenshots go to {@code target/viewer-*.png}.
 */
@Timeout(400)
class ViewerBrowserTest extends KafkaJobFixture {
    private static final String OVERLAYS = "segments-overlay";
    private static final String MASKS = "segments-mask";
    private static final List<String> STREAMS = List.of("cam-a", "cam-b");
    /** Frames per second each camera sends: within what the job does on a small shared machine. */
    private static final int FPS = 3;
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 900;

    @Test
    void pageShowsTwoLiveStreamsTheLegendAndEachView() throws Exception {
        Optional<Path> chromium = HeadlessChromium.find();
        assumeTrue(chromium.isPresent(), "chromium is not installed (apt-get install chromium; .ci/run installs it)");
        broker.createTopic(OVERLAYS, 1);
        broker.createTopic(MASKS, 1);
        Legend legend = Legend.load(null);
        Path target = Path.of("target");
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicReference<Exception> sendError = new AtomicReference<>();
        Thread cameras = null;
        try (Viewer viewer = new Viewer(broker.bootstrapServers(), OVERLAYS, KafkaTestSupport.SEGMENTS, MASKS, "127.0.0.1", 0,
                legend, Map.of())) {
            job = KafkaTestSupport.startJob(broker, 1, null, "", "#overlays=" + OVERLAYS + "&masks=" + MASKS);
            // Each camera its own CamVid frames, looped, stamped with the send time.
            List<Path> files = JobTestSupport.camvidVal(16);
            List<byte[]> images = new ArrayList<>();
            for (Path f : files) {
                images.add(Files.readAllBytes(f));
            }
            cameras = new Thread(() -> {
                try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer(broker)) {
                    for (long seq = 0; sending.get(); seq++) {
                        long t0 = System.currentTimeMillis();
                        for (int s = 0; s < STREAMS.size(); s++) {
                            byte[] img = images.get(s * 8 + (int) (seq % 8));
                            producer.send(KafkaTestSupport.frame(STREAMS.get(s), seq, System.currentTimeMillis(), img));
                        }
                        Thread.sleep(Math.max(0, 1000 / FPS - (System.currentTimeMillis() - t0)));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    sendError.set(e);
                }
            }, "cameras");
            cameras.start();

            try (HeadlessChromium browser = new HeadlessChromium(chromium.get(), viewer.url(), WIDTH, HEIGHT)) {
                // The legend: the segmenter card's 11 classes, in id order.
                browser.await("document.querySelectorAll('#legend li').length > 0", 30, "the legend did not appear");
                JsonNode names = browser.eval("[...document.querySelectorAll('#legend li')].map(li => li.textContent.trim())");
                List<String> expected = legend.classes().stream().map(Legend.Entry::name).toList();
                assertEquals(11, expected.size(), "CamVid's classes");
                assertEquals(expected, list(names), "legend");

                // Both streams' overlays shown (the job loads its models first).
                browser.await(streamsShown(), 240, "two streams' images did not show");
                Map<String, Long> first = seqs(browser);
                Thread.sleep(4000);
                Map<String, Long> later = seqs(browser);
                for (String s : STREAMS) {
                    assertTrue(later.get(s) > first.get(s), s + ": the image did not change in 4 s (seq " + first.get(s)
                            + " then " + later.get(s) + ")");
                }
                browser.await("[...document.querySelectorAll('.stream')].every(s => parseFloat(s.dataset.fps) > 0)", 10,
                        "the streams' fps were not shown");
                Path overlayShot = target.resolve("viewer-overlay.png");
                browser.screenshot(overlayShot);
                assertPicturesAreScenes(browser, overlayShot);

                // Class map: the palette PNGs, so nearly every pixel is exactly a legend colour.
                browser.eval("document.querySelector('#views button[data-view=labels]').click()");
                browser.await(viewShown("labels"), 30, "the class maps did not show");
                Path labelShot = target.resolve("viewer-classmap.png");
                browser.screenshot(labelShot);
                int[] palette = legend.classes().stream().mapToInt(Legend.Entry::colour).toArray();
                for (double share : shareOfColours(browser, labelShot, palette)) {
                    assertTrue(share > 0.8, "class map: only " + share + " of the pixels are class colours");
                }

                // Refined pixels: the magenta mask over the grey overlay of the same frame.
                browser.eval("document.querySelector('#views button[data-view=mask]').click()");
                browser.await(viewShown("mask"), 30, "the refined pixels did not show");
                Path maskShot = target.resolve("viewer-refined.png");
                browser.screenshot(maskShot);
                for (double share : shareOfColours(browser, maskShot, new int[] {MaskPng.COLOUR})) {
                    assertTrue(share > 0.01 && share < 0.6, "refined view: " + share + " of the pixels are magenta");
                }

                browser.eval("document.querySelector('#views button[data-view=overlay]').click()");
                browser.await(viewShown("overlay"), 30, "the overlays did not show again");
                double[] push = numbers(browser.eval("window.sparseseg.pushMs"));
                assertTrue(push.length > 0, "no frame pushed");
                Arrays.sort(push);
                System.out.printf(Locale.ROOT, "viewer: %d frames pushed; arrival at the viewer to the page: median %.0f ms,"
                                + " p90 %.0f ms; shown: %s%n", push.length, push[push.length / 2],
                        push[(int) (push.length * 0.9)], browser.eval(
                                "[...document.querySelectorAll('.stream')].map(s => s.dataset.stream + ': '"
                                        + " + s.querySelector('.stats').textContent).join(' | ')").asText());
                assertTrue(push[push.length / 2] < 1000, "median push latency " + push[push.length / 2] + " ms");
            }
        } finally {
            sending.set(false);
            if (cameras != null) {
                cameras.join(10_000);
            }
        }
        if (sendError.get() != null) {
            throw sendError.get();
        }
    }

    private static String streamsShown() {
        return "document.querySelectorAll('.stream').length === " + STREAMS.size()
                + " && [...document.querySelectorAll('.stream img.base')].every(i => i.complete && i.naturalWidth > 0)";
    }

    private static String viewShown(String view) {
        return "[...document.querySelectorAll('.stream')].every(s => s.dataset.view === '" + view + "'"
                + " && s.querySelector('img.base').complete && s.querySelector('img.base').naturalWidth > 0"
                + (view.equals("mask") ? " && s.querySelector('img.mask').complete && s.querySelector('img.mask').naturalWidth > 0" : "")
                + ") && new Promise(r => setTimeout(() => r(true), 300))";
    }

    private static Map<String, Long> seqs(HeadlessChromium browser) throws Exception {
        JsonNode n = browser.eval("Object.fromEntries([...document.querySelectorAll('.stream')].map(s => [s.dataset.stream, +s.dataset.seq]))");
        Map<String, Long> out = new HashMap<>();
        for (String s : STREAMS) {
            assertTrue(n.has(s), "no stream " + s + " on the page: " + n);
            out.put(s, n.get(s).asLong());
        }
        return out;
    }

    /** Each stream's picture box in the screenshot: [x, y, width, height] in CSS pixels (device scale 1). */
    private static List<int[]> boxes(HeadlessChromium browser) throws Exception {
        JsonNode n = browser.eval("[...document.querySelectorAll('.stream .pic')].map(p => { const r = p.getBoundingClientRect();"
                + " return [r.x, r.y, r.width, r.height].map(Math.round); })");
        List<int[]> out = new ArrayList<>();
        for (JsonNode b : n) {
            out.add(new int[] {b.get(0).asInt() + 2, b.get(1).asInt() + 2, b.get(2).asInt() - 4, b.get(3).asInt() - 4});
        }
        assertEquals(STREAMS.size(), out.size(), "picture boxes");
        return out;
    }

    /** The overlays are street scenes, not blank boxes: bright and dark, many colours, in every box. */
    private static void assertPicturesAreScenes(HeadlessChromium browser, Path shot) throws Exception {
        BufferedImage img = ImageIO.read(shot.toFile());
        for (int[] b : boxes(browser)) {
            assertTrue(b[0] + b[2] <= img.getWidth() && b[1] + b[3] <= img.getHeight(), "box outside the screenshot");
            double sum = 0;
            double sq = 0;
            java.util.Set<Integer> colours = new java.util.HashSet<>();
            int n = 0;
            for (int y = b[1]; y < b[1] + b[3]; y += 2) {
                for (int x = b[0]; x < b[0] + b[2]; x += 2) {
                    int rgb = img.getRGB(x, y) & 0xFFFFFF;
                    double luma = 0.299 * (rgb >> 16) + 0.587 * (rgb >> 8 & 0xFF) + 0.114 * (rgb & 0xFF);
                    sum += luma;
                    sq += luma * luma;
                    colours.add(rgb >> 3 & 0x1F1F1F);
                    n++;
                }
            }
            double sd = Math.sqrt(sq / n - (sum / n) * (sum / n));
            assertTrue(sd > 20 && colours.size() > 500, "overlay box " + Arrays.toString(b) + " looks blank: luma sd " + sd
                    + ", " + colours.size() + " colours");
        }
    }

    /** Per stream box: the share of its pixels within 8 per channel of one of {@code colours}. */
    private static double[] shareOfColours(HeadlessChromium browser, Path shot, int[] colours) throws Exception {
        BufferedImage img = ImageIO.read(shot.toFile());
        List<int[]> boxes = boxes(browser);
        double[] out = new double[boxes.size()];
        for (int i = 0; i < boxes.size(); i++) {
            int[] b = boxes.get(i);
            int hit = 0;
            int n = 0;
            for (int y = b[1]; y < b[1] + b[3]; y++) {
                for (int x = b[0]; x < b[0] + b[2]; x++) {
                    int rgb = img.getRGB(x, y);
                    for (int c : colours) {
                        if (Math.abs((rgb >> 16 & 0xFF) - (c >> 16 & 0xFF)) <= 8 && Math.abs((rgb >> 8 & 0xFF) - (c >> 8 & 0xFF)) <= 8
                                && Math.abs((rgb & 0xFF) - (c & 0xFF)) <= 8) {
                            hit++;
                            break;
                        }
                    }
                    n++;
                }
            }
            out[i] = (double) hit / n;
        }
        return out;
    }

    private static List<String> list(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static double[] numbers(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
