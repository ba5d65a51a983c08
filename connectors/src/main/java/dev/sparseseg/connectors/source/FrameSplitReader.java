package dev.sparseseg.connectors.source;

import dev.sparseseg.connectors.frame.FrameDecoder;
import dev.sparseseg.connectors.frame.FrameRecord;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads all streams assigned to one source subtask, one frame from each per fetch, so that
 * streams sharing a reader advance together.
 */
final class FrameSplitReader implements SplitReader<FrameRecord, FrameSplit> {
    private final Map<String, FrameReader> readers = new LinkedHashMap<>();
    private final FrameDecoder decoder;

    FrameSplitReader(FrameDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public RecordsWithSplitIds<FrameRecord> fetch() throws IOException {
        RecordsBySplits.Builder<FrameRecord> batch = new RecordsBySplits.Builder<>();
        for (Iterator<Map.Entry<String, FrameReader>> it = readers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, FrameReader> e = it.next();
            FrameRecord f = e.getValue().read();
            if (f == null) {
                e.getValue().close();
                it.remove();
                batch.addFinishedSplit(e.getKey());
            } else {
                FrameDecoder.apply(decoder, f);
                batch.add(e.getKey(), f);
            }
        }
        return batch.build();
    }

    @Override
    public void handleSplitsChanges(SplitsChange<FrameSplit> change) {
        if (!(change instanceof SplitsAddition)) {
            throw new UnsupportedOperationException("split change " + change + " is not supported");
        }
        for (FrameSplit split : change.splits()) {
            try {
                readers.put(split.splitId(), FrameReaders.open(split.source(), split.position()));
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }

    @Override
    public void wakeUp() {
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
