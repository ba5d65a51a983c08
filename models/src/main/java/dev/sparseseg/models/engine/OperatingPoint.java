package dev.sparseseg.models.engine;

import dev.sparseseg.models.card.ModelCard;

import java.util.ArrayList;
import java.util.List;

/**
 * Where SparseRefine runs for frames of one size: the coarse scale, the entropy threshold
 * and the selection grid factor, as the refiner's card chose them for {@code width x height},
 * and the model set that serves them ({@code modelSet}, a folder beside the card; null: the
 * card's own set). {@code pointScale} is the scale the card chose; {@code scale} differs from
 * it when a frame of another size is served ({@link #forFrame}).
 */
public record OperatingPoint(int width, int height, double scale, double threshold, int gridFactor, String modelSet,
                             double pointScale) {
    /** Steps per octave in which {@link #forFrame} scales: the coarse input's long side stays within 4.4% of the point's. */
    private static final int STEPS_PER_OCTAVE = 8;

    /** A point at the scale the card chose for it. */
    public OperatingPoint(int width, int height, double scale, double threshold, int gridFactor, String modelSet) {
        this(width, height, scale, threshold, gridFactor, modelSet, scale);
    }

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

    /**
     * This point for a frame of {@code w x h}: the scale that gives the coarse input the long
     * side it has at the point's own size, so that objects reach the segmenter at the size the
     * point was chosen for and the coarse pass costs what it cost there (a 2592x1944 frame
     * served by the 3840x2160 point at 0.125 would otherwise reach it 324 pixels wide, and an
     * 8K one 960 wide). In eighth-octave steps, so that a stream of frames of many sizes builds
     * few coarse stages; at most 1. A point without a size serves every frame at its scale.
     */
    public OperatingPoint forFrame(int w, int h) {
        if (width == 0) {
            return this;
        }
        double octaves = Math.log((double) Math.max(width, height) / Math.max(w, h)) / Math.log(2);
        double s = Math.min(1.0, pointScale * Math.pow(2, Math.round(octaves * STEPS_PER_OCTAVE) / (double) STEPS_PER_OCTAVE));
        return new OperatingPoint(width, height, s, threshold, gridFactor, modelSet, pointScale);
    }

    /** This point with the settings the config names (null = keep the card's). */
    OperatingPoint override(EngineConfig c) {
        double s = c.scale() != null ? c.scale() : scale;
        return new OperatingPoint(width, height, s, c.threshold() != null ? c.threshold() : threshold,
                c.gridFactor() != null ? c.gridFactor() : gridFactor, modelSet, c.scale() != null ? s : pointScale);
    }

    /** This point's frame size and model set at another scale and threshold (sweeps). */
    public OperatingPoint at(double scale, double threshold) {
        return new OperatingPoint(width, height, scale, threshold, gridFactor, modelSet);
    }

    @Override
    public String toString() {
        String chosen = width == 0 ? "" : " (chosen for " + width + "x" + height
                + (scale == pointScale ? ")" : String.format(" at scale %.3f, scaled to the frame)", pointScale));
        return String.format("scale %.3f, threshold %.3f, grid factor %d%s%s", scale, threshold, gridFactor,
                modelSet == null ? "" : ", model set " + modelSet, chosen);
    }
}
