package dev.sparseseg.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sparseseg bench} at a small size on CamVid val, with the real models, broker and MiniCluster; no timing asserted. */
@Timeout(240)
class BenchCommandTest {
    @TempDir
    Path tmp;

    @Test
    void engineModesAtAResolution() throws Exception {
        JsonNode r = bench("--resolutions", "320x240,200x150", "--frames", "3", "--distinct", "2").path("resolutions");
        for (String res : List.of("320x240", "200x150")) {
            JsonNode modes = r.path(res).path("modes");
            for (String mode : BenchCommand.MODES) {
                JsonNode m = modes.path(mode);
                String what = res + " " + mode;
                assertTrue(m.path("ms_median").asDouble() > 0, what + ": ms_median " + m);
                assertTrue(m.path("ms_p99").asDouble() >= m.path("ms_median").asDouble(), what + ": ms_p99 " + m);
                assertTrue(m.path("refined_fraction").isNumber(), what + ": refined_fraction " + m);
                assertTrue(m.path("stage_ms_median").path("coarse").asDouble() > 0, what + ": coarse " + m);
            }
            assertTrue(modes.path("sparse").path("refined_fraction").asDouble() > 0, res + ": sparse refines pixels");
            assertEquals(0, modes.path("dense-full").path("refined_fraction").asDouble(), res + ": dense refines none");
            assertTrue(r.path(res).path("speedup_sparse_vs_dense_full").asDouble() > 0, res);
            assertTrue(r.path(res).path("speedup_dense_low_vs_dense_full").asDouble() > 0, res);
            // Frames this small take the 480x360 point, which its own model set serves.
            JsonNode point = r.path(res).path("operating_point");
            assertEquals("camvid-480x360", point.path("model_set").asText(), res);
            assertEquals("480x360", point.path("chosen_for").asText(), res);
            assertEquals(0.5, point.path("point_scale").asDouble(), res);
            // The scale is fitted to the frame: 320x240 keeps the coarse input near 480x360's 240 wide.
            assertTrue(point.path("scale").asDouble() > 0.5, res + ": " + point);
        }
    }

    @Test
    void aLatencyBudgetIsTimedAfterWarmingTheRefinementWithoutIt() throws Exception {
        // The budget refines nothing over an engine's first frames: its own warm-up would leave refinement cold.
        JsonNode budgeted = bench("--resolutions", "200x150", "--frames", "3", "--distinct", "2", "--modes", "sparse",
                "--latency-budget-ms", "1000");
        assertEquals(1, budgeted.path("warmup_unbudgeted_sparse_runs").asInt(), budgeted.toString());
        assertTrue(budgeted.path("resolutions").path("200x150").path("modes").path("sparse").path("ms_median").asDouble() > 0);
        JsonNode plain = bench("--resolutions", "200x150", "--frames", "3", "--distinct", "2", "--modes", "sparse");
        assertEquals(0, plain.path("warmup_unbudgeted_sparse_runs").asInt(), plain.toString());
    }

    @Test
    void streamingJobReturnsEveryFrame() throws Exception {
        JsonNode root = bench("--resolutions", "320x240", "--modes", "sparse", "--frames", "2", "--distinct", "3",
                "--job", "--streams", "1,4", "--job-frames", "4", "--job-warmup", "2");
        JsonNode job = root.path("resolutions").path("320x240").path("job");
        for (int streams : new int[] {1, 4}) {
            JsonNode f = job.path("streams_" + streams);
            String what = streams + " stream(s): " + f;
            long expected = Math.max(2, streams) + 4;
            assertEquals(expected, f.path("frames_in").asLong(), what);
            assertEquals(expected, f.path("frames_out").asLong(), what);
            assertEquals(0, f.path("duplicates").asLong(), what);
            assertEquals(4, f.path("timed_frames").asLong(), what);
            assertTrue(f.path("fps").asDouble() > 0, what);
            assertTrue(f.path("warmup_fps").asDouble() > 0, what);
            assertTrue(f.path("latency_ms_p50").asDouble() > 0, what);
            assertTrue(f.path("latency_ms_p99").asDouble() >= f.path("latency_ms_p50").asDouble(), what);
            assertTrue(f.path("refined_fraction").asDouble() > 0, what);
        }
    }

    private JsonNode bench(String... args) throws Exception {
        Path json = tmp.resolve("bench.json");
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--threads", "1", "--warmup", "1", "--json", json.toString()));
        int status = new CommandLine(new BenchCommand()).execute(all.toArray(String[]::new));
        assertEquals(0, status, "bench " + all);
        return new ObjectMapper().readTree(json.toFile());
    }

    @Test
    void badResolutionsAreRefused() {
        assertArrayEquals(new int[] {1920, 1080}, BenchCommand.parseSize("1920x1080"));
        for (String bad : new String[] {"1920", "1920x", "x1080", "0x10", "axb", "1x2x3", "10000x10000"}) {
            assertThrows(IllegalArgumentException.class, () -> BenchCommand.parseSize(bad), bad);
        }
    }
}
