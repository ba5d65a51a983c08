package dev.sparseseg.connectors.source;

import dev.sparseseg.connectors.frame.FrameDecoder;
import dev.sparseseg.connectors.frame.FrameRecord;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.base.source.reader.SourceReaderBase;

import java.util.Map;

/**
 * One source subtask: a fetcher thread per stream runs a {@link FrameSplitReader}, so one
 * camera's trouble never holds up another stream; positions are checkpointed.
 */
final class FrameSourceReader extends SourceReaderBase<FrameRecord, FrameRecord, FrameSplit, FrameSplitState> {

    FrameSourceReader(SourceReaderContext context, FrameDecoder decoder) {
        super(new FetcherPerStream(() -> new FrameSplitReader(decoder, context.metricGroup()), context.getConfiguration()),
                (record, output, state) -> {
                    output.collect(record, record.timestampMs);
                    state.position = record.seq + 1;
                }, context.getConfiguration(), context);
    }

    @Override
    protected void onSplitFinished(Map<String, FrameSplitState> finished) {
    }

    @Override
    protected FrameSplitState initializedState(FrameSplit split) {
        return new FrameSplitState(split);
    }

    @Override
    protected FrameSplit toSplitType(String splitId, FrameSplitState state) {
        return state.toSplit();
    }
}
