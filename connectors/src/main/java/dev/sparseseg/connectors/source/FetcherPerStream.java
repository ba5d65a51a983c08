package dev.sparseseg.connectors.source;

import dev.sparseseg.connectors.frame.FrameRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.fetcher.SplitFetcher;
import org.apache.flink.connector.base.source.reader.fetcher.SplitFetcherManager;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;

import java.util.List;
import java.util.function.Supplier;

/**
 * One fetcher thread per stream: a camera that is down or stalled in FFmpeg then holds up
 * only its own thread, never the other streams of the same source reader. A fetcher whose
 * stream finished (a folder, a video) is shut down by the reader.
 */
final class FetcherPerStream extends SplitFetcherManager<FrameRecord, FrameSplit> {

    FetcherPerStream(Supplier<SplitReader<FrameRecord, FrameSplit>> readers, Configuration config) {
        super(readers, config);
    }

    @Override
    public void addSplits(List<FrameSplit> splits) {
        for (FrameSplit split : splits) {
            SplitFetcher<FrameRecord, FrameSplit> fetcher = createSplitFetcher();
            fetcher.addSplits(List.of(split));
            startFetcher(fetcher);
        }
    }

    @Override
    public void removeSplits(List<FrameSplit> splits) {
        throw new UnsupportedOperationException("frame sources never take streams back from a reader");
    }
}
