package dev.sparseseg.viewer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Every stream's newest record of each kind, and its frame rate from arrivals. The consumer
 * thread adds records; the web clients are told of each as it comes and read the figures.
 * Thread-safe; only the newest record per stream and kind is kept.
 */
public final class LiveStreams {
    /** Frame rates count the arrivals of this many milliseconds back. */
    static final long FPS_WINDOW_MS = 3000;

    /** The kinds of output records, each from its own topic. */
    public enum Kind {
        OVERLAY("image/jpeg"), LABELS("image/png"), MASK("image/png");

        public final String mime;

        Kind(String mime) {
            this.mime = mime;
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One output record as it arrived.
     *
     * @param ts        capture time (the {@code ts} header), epoch ms
     * @param refined   pixels refined (the {@code refined} header)
     * @param latencyMs the job's latency, source to encoder (the {@code latency-ms} header)
     * @param arrivalMs when this viewer received it, epoch ms
     */
    public record Frame(String stream, Kind kind, long seq, long ts, int width, int height, long refined,
                        long latencyMs, String model, long arrivalMs, byte[] image) {
        public double refinedFraction() {
            long pixels = (long) width * height;
            return pixels == 0 ? 0 : (double) refined / pixels;
        }
    }

    /**
     * A stream's figures now.
     *
     * @param fps               records per second of its primary kind (overlays if any came, else the most frequent)
     * @param arrivalLatencyMs  arrival at this viewer minus capture time of its newest record
     */
    public record Stats(String stream, double fps, long seq, long latencyMs, long arrivalLatencyMs, double refinedFraction,
                        int width, int height, String model, long lastArrivalMs, List<Kind> kinds) {
    }

    private static final class Stream {
        final Map<Kind, Frame> latest = new EnumMap<>(Kind.class);
        final Map<Kind, ArrayDeque<Long>> arrivals = new EnumMap<>(Kind.class);
        final Map<Kind, Long> firstArrival = new EnumMap<>(Kind.class);
    }

    private final Map<String, Stream> streams = new TreeMap<>();
    private final List<Consumer<Frame>> listeners = new CopyOnWriteArrayList<>();

    public void addListener(Consumer<Frame> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<Frame> listener) {
        listeners.remove(listener);
    }

    /** Records {@code f} as its stream's newest of its kind (unless a newer one is there) and tells the listeners. */
    public void add(Frame f) {
        synchronized (this) {
            Stream s = streams.computeIfAbsent(f.stream(), k -> new Stream());
            ArrayDeque<Long> times = s.arrivals.computeIfAbsent(f.kind(), k -> new ArrayDeque<>());
            times.addLast(f.arrivalMs());
            s.firstArrival.putIfAbsent(f.kind(), f.arrivalMs());
            trim(times, f.arrivalMs());
            Frame old = s.latest.get(f.kind());
            if (old != null && old.seq() > f.seq() && old.seq() - f.seq() < 1000) {
                // An older frame arriving late (e.g. the job replayed after a restart): keep the newer one.
                return;
            }
            s.latest.put(f.kind(), f);
        }
        for (Consumer<Frame> l : listeners) {
            l.accept(f);
        }
    }

    /** The newest records of {@code kind}, one per stream. */
    public synchronized List<Frame> latest(Kind kind) {
        List<Frame> out = new ArrayList<>();
        for (Stream s : streams.values()) {
            Frame f = s.latest.get(kind);
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    /** Every stream's figures at {@code nowMs}, in stream id order. */
    public synchronized List<Stats> stats(long nowMs) {
        List<Stats> out = new ArrayList<>();
        for (Map.Entry<String, Stream> e : streams.entrySet()) {
            Stream s = e.getValue();
            Kind primary = s.latest.containsKey(Kind.OVERLAY) ? Kind.OVERLAY : null;
            if (primary == null) {
                for (Kind k : s.latest.keySet()) {
                    if (primary == null || s.arrivals.get(k).size() > s.arrivals.get(primary).size()) {
                        primary = k;
                    }
                }
            }
            Frame f = s.latest.get(primary);
            ArrayDeque<Long> times = s.arrivals.get(primary);
            trim(times, nowMs);
            double fps = fps(times.size(), s.firstArrival.get(primary), nowMs);
            out.add(new Stats(e.getKey(), fps, f.seq(), f.latencyMs(), f.arrivalMs() - f.ts(), f.refinedFraction(),
                    f.width(), f.height(), f.model(), f.arrivalMs(), List.copyOf(s.latest.keySet())));
        }
        return out;
    }

    /**
     * Records per second from {@code n} arrivals in the last {@link #FPS_WINDOW_MS}: over the whole
     * window once the stream is that old, else over the time since its first arrival (the first
     * arrival opens the interval, so it is not counted).
     */
    static double fps(int n, long firstArrivalMs, long nowMs) {
        long age = nowMs - firstArrivalMs;
        if (age >= FPS_WINDOW_MS) {
            return n * 1000.0 / FPS_WINDOW_MS;
        }
        return n < 2 || age <= 0 ? 0 : (n - 1) * 1000.0 / age;
    }

    private static void trim(ArrayDeque<Long> times, long nowMs) {
        while (!times.isEmpty() && times.peekFirst() <= nowMs - FPS_WINDOW_MS) {
            times.removeFirst();
        }
    }
}
