package dev.sparseseg.models.engine;

/** Nanoseconds spent in each stage of one frame. Dense modes only use {@code coarseNs} and {@code fuseNs}. */
public record StageTimings(long coarseNs, long selectNs, long refineNs, long fuseNs) {
    public long totalNs() {
        return coarseNs + selectNs + refineNs + fuseNs;
    }
}
