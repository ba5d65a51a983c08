package dev.sparseseg.connectors.source;

import dev.sparseseg.connectors.frame.FrameDecoder;
import dev.sparseseg.connectors.frame.FrameRecord;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;

import java.util.Map;

/** One source subtask: a fetcher thread runs {@link FrameSplitReader}; positions are checkpointed. */
final class FrameSourceReader extends SingleThreadMultiplexSourceReaderBase<FrameRecord, FrameRecord, FrameSplit, FrameSplitState> {

    FrameSourceReader(SourceReaderContext context, FrameDecoder decoder) {
        super(() -> new FrameSplitReader(decoder), (record, output, state) -> {
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
