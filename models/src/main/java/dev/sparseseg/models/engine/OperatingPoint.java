package dev.sparseseg.models.engine;

import dev.sparseseg.models.card.ModelCard;

import java.util.ArrayList;
import java.util.List;

/**
 * Where SparseRefine runs for frames of one size: the coarse scale, the entropy threshold
 * and the selection grid factor, as the refiner's card chose them for {@code width x height},
 * and the model set that serves them ({@code modelSet}, a folder beside the card; null: the
 * card's own set).
 */
public record OperatingPoint(int width, int height, double scale, double threshold, int gridFactor, String modelSet) {

    /** A point served by the card's own model set. */
    public OperatingPoint(int width, int height, double scale, double threshold, int gridFactor) {
        this(width, height, scale, threshold, gridFactor, null);
    }

    /** The card's points, or one from its top-level fields (for frames of any size) when it lists none. */
    static List<OperatingPoint> of(ModelCard refiner) {
        List<OperatingPoint> out = new ArrayList<>();
        if (refiner.operatingPoints != null) {
            for (ModelCard.Point p : refiner.operatingPoints) {
                out.add(new OperatingPoint(p.resolution[0], p.resolution[1], p.coarseScale, p.entropyThreshold,
                        p.selectionGridFactor != null ? p.selectionGridFactor : 1, p.modelSet));
            }
        }
        if (out.isEmpty()) {
            out.add(new OperatingPoint(0, 0, refiner.coarseScale, refiner.entropyThreshold,
                    refiner.selectionGridFactor != null ? refiner.selectionGridFactor : 1));
        }
        return out;
    }

    /** The point whose frame size is nearest {@code w x h} in pixel count (ratio, not difference). */
    static OperatingPoint nearest(List<OperatingPoint> points, int w, int h) {
        OperatingPoint best = points.get(0);
        double bestGap = Double.MAX_VALUE;
        for (OperatingPoint p : points) {
            double gap = p.width == 0 ? 0 : Math.abs(Math.log((double) w * h / ((double) p.width * p.height)));
            if (gap < bestGap) {
                best = p;
                bestGap = gap;
            }
        }
        return best;
    }

    /** This point with the settings the config names (null = keep the card's). */
    OperatingPoint override(EngineConfig c) {
        return new OperatingPoint(width, height, c.scale() != null ? c.scale() : scale,
                c.threshold() != null ? c.threshold() : threshold, c.gridFactor() != null ? c.gridFactor() : gridFactor, modelSet);
    }

    /** This point's frame size and model set at another scale and threshold (sweeps). */
    public OperatingPoint at(double scale, double threshold) {
        return new OperatingPoint(width, height, scale, threshold, gridFactor, modelSet);
    }

    @Override
    public String toString() {
        return String.format("scale %.3f, threshold %.3f, grid factor %d%s%s", scale, threshold, gridFactor,
                modelSet == null ? "" : ", model set " + modelSet, width == 0 ? "" : " (chosen for " + width + "x" + height + ")");
    }
}
