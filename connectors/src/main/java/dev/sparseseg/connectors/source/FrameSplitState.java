package dev.sparseseg.connectors.source;

/** A split being read: how many frames it has emitted so far. */
final class FrameSplitState {
    final FrameSplit split;
    long position;

    FrameSplitState(FrameSplit split) {
        this.split = split;
        this.position = split.position();
    }

    FrameSplit toSplit() {
        return split.at(position);
    }
}
