package dev.sparseseg.connectors.source;

import dev.sparseseg.connectors.frame.FrameDecoder;
import dev.sparseseg.connectors.frame.FrameRecord;
import dev.sparseseg.connectors.video.Camera;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the streams of one fetcher ({@link FetcherPerStream} gives each stream its own), one
 * frame from each per fetch. A camera is polled rather than read, so that a fetch returns
 * within {@link #LIVE_POLL_MS} while the camera is down and {@link #wakeUp()} returns it at once.
 */
final class FrameSplitReader implements SplitReader<FrameRecord, FrameSplit> {
    static final long LIVE_POLL_MS = 500;

    /** Read by wakeUp() on the task thread while the fetcher thread fetches. */
    private final Map<String, FrameReader> readers = new ConcurrentHashMap<>();
    private final FrameDecoder decoder;
    private final MetricGroup metrics;

    /** @param metrics the source reader's metric group, where cameras report their health */
    FrameSplitReader(FrameDecoder decoder, MetricGroup metrics) {
        this.decoder = decoder;
        this.metrics = metrics;
    }

    @Override
    public RecordsWithSplitIds<FrameRecord> fetch() throws IOException {
        RecordsBySplits.Builder<FrameRecord> batch = new RecordsBySplits.Builder<>();
        for (Iterator<Map.Entry<String, FrameReader>> it = readers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, FrameReader> e = it.next();
            FrameRecord f;
            if (e.getValue() instanceof LiveFrameReader live) {
                f = live.poll(LIVE_POLL_MS);
                if (f == null) {
                    continue;  // a live stream has no end: nothing yet
                }
            } else {
                f = e.getValue().read();
                if (f == null) {
                    e.getValue().close();
                    it.remove();
                    batch.addFinishedSplit(e.getKey());
                    continue;
                }
            }
            FrameDecoder.apply(decoder, f);
            batch.add(e.getKey(), f);
        }
        return batch.build();
    }

    @Override
    public void handleSplitsChanges(SplitsChange<FrameSplit> change) {
        if (!(change instanceof SplitsAddition)) {
            throw new UnsupportedOperationException("split change " + change + " is not supported");
        }
        for (FrameSplit split : change.splits()) {
            FrameReader reader;
            try {
                reader = FrameReaders.open(split.source(), split.position());
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            if (reader instanceof Camera camera && metrics != null) {
                CameraMetrics.register(metrics, camera);
            }
            readers.put(split.splitId(), reader);
        }
    }

    @Override
    public void wakeUp() {
        for (FrameReader r : readers.values()) {
            if (r instanceof LiveFrameReader live) {
                live.wakeUp();
            }
        }
    }

    @Override
    public void close() throws Exception {
        List<Exception> errors = new ArrayList<>();
        for (FrameReader r : readers.values()) {
            try {
                r.close();
            } catch (Exception e) {
                errors.add(e);
            }
        }
        readers.clear();
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
    }
}
