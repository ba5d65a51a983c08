package dev.sparseseg.connectors.source;

import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Hands every stream to a reader as soon as readers register, round-robin by subtask. Live
 * cameras never finish, so a pull-based assignment (one split per request) would leave
 * cameras beyond the parallelism unread.
 */
final class FrameSplitEnumerator implements SplitEnumerator<FrameSplit, List<FrameSplit>> {
    private final SplitEnumeratorContext<FrameSplit> context;
    private final List<FrameSplit> pending;
    /** Stream ids, sorted: split i goes to subtask i mod parallelism. */
    private final List<String> order;

    FrameSplitEnumerator(SplitEnumeratorContext<FrameSplit> context, List<FrameSplit> pending) {
        this.context = context;
        this.pending = new ArrayList<>(pending);
        this.order = pending.stream().map(FrameSplit::splitId).sorted().toList();
    }

    @Override
    public void start() {
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
    }

    @Override
    public void addSplitsBack(List<FrameSplit> splits, int subtaskId) {
        pending.addAll(splits);
        if (context.registeredReaders().containsKey(subtaskId)) {
            addReader(subtaskId);
        }
    }

    @Override
    public void addReader(int subtaskId) {
        int parallelism = context.currentParallelism();
        for (Iterator<FrameSplit> it = pending.iterator(); it.hasNext(); ) {
            FrameSplit split = it.next();
            int i = order.indexOf(split.splitId());
            if (i < 0 || i % parallelism == subtaskId) {
                context.assignSplit(split, subtaskId);
                it.remove();
            }
        }
        context.signalNoMoreSplits(subtaskId);
    }

    @Override
    public List<FrameSplit> snapshotState(long checkpointId) {
        return new ArrayList<>(pending);
    }

    @Override
    public void close() {
    }
}
