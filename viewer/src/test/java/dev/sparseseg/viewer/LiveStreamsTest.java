package dev.sparseseg.viewer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LiveStreamsTest {

    private static LiveStreams.Frame frame(String stream, LiveStreams.Kind kind, long seq, long arrivalMs) {
        return new LiveStreams.Frame(stream, kind, seq, arrivalMs - 80, 480, 360, 17280, 60, "m", arrivalMs, new byte[] {(byte) seq});
    }

    @Test
    void keepsEachStreamsNewestRecordPerKindAndTellsListeners() {
        LiveStreams live = new LiveStreams();
        List<String> told = new ArrayList<>();
        live.addListener(f -> told.add(f.stream() + "#" + f.seq() + " " + f.kind().id()));
        live.add(frame("b", LiveStreams.Kind.OVERLAY, 1, 1000));
        live.add(frame("a", LiveStreams.Kind.OVERLAY, 1, 1000));
        live.add(frame("a", LiveStreams.Kind.OVERLAY, 2, 1100));
        live.add(frame("a", LiveStreams.Kind.MASK, 2, 1100));
        // A late older frame does not replace the newer one, nor is it pushed.
        live.add(frame("a", LiveStreams.Kind.OVERLAY, 1, 1200));
        assertEquals(List.of("b#1 overlay", "a#1 overlay", "a#2 overlay", "a#2 mask"), told);
        assertEquals(List.of("a#2", "b#1"), live.latest(LiveStreams.Kind.OVERLAY).stream().map(f -> f.stream() + "#" + f.seq()).toList());
        assertArrayEquals(new byte[] {2}, live.latest(LiveStreams.Kind.MASK).get(0).image());
        assertEquals(List.of(), live.latest(LiveStreams.Kind.LABELS));
    }

    @Test
    void fpsCountsArrivalsOfTheLastWindow() {
        LiveStreams live = new LiveStreams();
        // 10 fps for 5 s, then silence.
        for (int i = 0; i < 50; i++) {
            live.add(frame("cam", LiveStreams.Kind.OVERLAY, i, 10_000 + 100L * i));
            live.add(frame("cam", LiveStreams.Kind.LABELS, i, 10_000 + 100L * i));
        }
        LiveStreams.Stats s = live.stats(14_950).get(0);
        assertEquals(10.0, s.fps(), 0.01);
        assertEquals(49, s.seq());
        assertEquals(80, s.arrivalLatencyMs());
        assertEquals(60, s.latencyMs());
        assertEquals(0.1, s.refinedFraction(), 1e-9);
        assertEquals(List.of(LiveStreams.Kind.OVERLAY, LiveStreams.Kind.LABELS), s.kinds());
        assertEquals(0.0, live.stats(20_000).get(0).fps());
        // A young stream: over the time since its first frame.
        assertEquals(10.0, LiveStreams.fps(11, 0, 1000), 1e-9);
        assertEquals(0.0, LiveStreams.fps(1, 0, 1000));
    }
}
