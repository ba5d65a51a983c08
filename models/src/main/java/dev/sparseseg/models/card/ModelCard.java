package dev.sparseseg.models.card;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * What the engine needs to know about an ONNX model, read from its JSON card
 * ({@code NAME.card.json} beside {@code NAME.onnx}).
 *
 * <p>Roles: {@code segmenter} (dense segmentation, usable as coarse model and as the
 * dense baseline), {@code refiner} (point features to refined logits) and
 * {@code ensembler} (coarse and refined logits to fused logits).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class ModelCard {

    public static final String SEGMENTER = "segmenter";
    public static final String REFINER = "refiner";
    public static final String ENSEMBLER = "ensembler";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    @JsonProperty("name") public String name;
    @JsonProperty("role") public String role;
    @JsonProperty("onnx") public String onnx;
    @JsonProperty("classes") public List<ClassInfo> classes;
    /** Per-channel normalisation applied to RGB in [0,1]: (v - mean) / std. */
    @JsonProperty("mean") public float[] mean;
    @JsonProperty("std") public float[] std;
    /**
     * Segmenter: the multiple its input's sides should be (the stride of its deepest features);
     * the engine rounds scaled frame sides to the nearest multiple. Null: any side.
     */
    @JsonProperty("input_multiple") public Integer inputMultiple;
    /** Refiner: the coarse input scale and entropy threshold it was trained for. */
    @JsonProperty("coarse_scale") public Double coarseScale;
    @JsonProperty("entropy_threshold") public Double entropyThreshold;
    /** Refiner: entropy is taken on the coarse grid upsampled this many times (default 1). */
    @JsonProperty("selection_grid_factor") public Integer selectionGridFactor;
    /** Refiner: "point" (MLP per pixel, the default) or "sparseconv" (submanifold 3x3 convolutions); ensembler: "lean" or "mlp" (informative). */
    @JsonProperty("kind") public String kind;
    /** Refiner: RGB patch side and dilations of the point features. */
    @JsonProperty("patch_size") public Integer patchSize;
    @JsonProperty("patch_dilations") public int[] patchDilations;
    @JsonProperty("feature_count") public Integer featureCount;
    /** Refiner: features end with the coarse cells' softmax and entropy, interpolated (default false). */
    @JsonProperty("cell_summary") public Boolean cellSummary;
    /**
     * Refiner: operating points chosen for given frame sizes (coarse scale, threshold, grid
     * factor each); the engine takes the one whose resolution is nearest the frame's. The
     * top-level fields serve when there are none.
     */
    @JsonProperty("operating_points") public List<Point> operatingPoints;
    /** Free-form provenance: training command, seconds, val figures. */
    @JsonProperty("training") public Map<String, Object> training;
    @JsonProperty("val") public Map<String, Object> val;

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class ClassInfo {
        @JsonProperty("id") public int id;
        @JsonProperty("name") public String name;
        @JsonProperty("color") public int[] color;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class Point {
        /** The frame size [width, height] this point was chosen for. */
        @JsonProperty("resolution") public int[] resolution;
        @JsonProperty("coarse_scale") public Double coarseScale;
        @JsonProperty("entropy_threshold") public Double entropyThreshold;
        @JsonProperty("selection_grid_factor") public Integer selectionGridFactor;
        /**
         * A folder beside this card holding the segmenter, refiner and ensembler (cards and
         * ONNX files) that serve this point instead of this card's own set; null: this set.
         */
        @JsonProperty("model_set") public String modelSet;
    }

    public static ModelCard parse(InputStream in, String source) throws IOException {
        ModelCard card;
        try {
            card = JSON.readValue(in, ModelCard.class);
        } catch (JsonProcessingException e) {
            throw new ModelLoadException("model card " + source + " is not a valid card: " + e.getOriginalMessage(), e);
        }
        card.validate(source);
        return card;
    }

    public int numClasses() {
        return classes.size();
    }

    /** The multiple a segmenter's input sides are rounded to (1 when its card names none). */
    public int sideMultiple() {
        return inputMultiple == null ? 1 : inputMultiple;
    }

    /** A refiner of submanifold convolutions, which needs each pixel's neighbours, rather than a point head. */
    public boolean sparseConvRefiner() {
        return "sparseconv".equals(kind);
    }

    /** Class colours as packed 0xRRGGBB, indexed by class id. */
    public int[] palette() {
        int[] p = new int[classes.size()];
        for (ClassInfo c : classes) {
            p[c.id] = (c.color[0] << 16) | (c.color[1] << 8) | c.color[2];
        }
        return p;
    }

    private void validate(String source) {
        require(name != null && !name.isBlank(), source, "missing \"name\"");
        require(role != null, source, "missing \"role\"");
        require(List.of(SEGMENTER, REFINER, ENSEMBLER).contains(role), source,
                "\"role\" is \"" + role + "\"; expected segmenter, refiner or ensembler");
        require(onnx != null && !onnx.isBlank(), source, "missing \"onnx\" (the model file name)");
        require(classes != null && !classes.isEmpty(), source, "missing \"classes\"");
        for (int i = 0; i < classes.size(); i++) {
            ClassInfo c = classes.get(i);
            require(c.id == i, source, "classes[" + i + "] has id " + c.id + "; ids must be 0.." + (classes.size() - 1) + " in order");
            require(c.color != null && c.color.length == 3, source, "class " + c.name + " needs a colour [r,g,b]");
            for (int v : c.color) {
                require(v >= 0 && v <= 255, source, "class " + c.name + " has colour value " + v + " outside 0..255");
            }
        }
        require(classes.size() <= 256, source, classes.size() + " classes do not fit an 8-bit label map");
        if (SEGMENTER.equals(role)) {
            require(mean != null && mean.length == 3, source, "a segmenter needs \"mean\" with 3 values");
            require(std != null && std.length == 3, source, "a segmenter needs \"std\" with 3 values");
            for (float s : std) {
                require(s > 0, source, "\"std\" value " + s + " must be positive");
            }
            require(inputMultiple == null || inputMultiple >= 1 && inputMultiple <= 1024, source,
                    "\"input_multiple\" " + inputMultiple + " must be in 1..1024");
        }
        if (REFINER.equals(role)) {
            require(coarseScale != null && coarseScale > 0 && coarseScale <= 1, source,
                    "a refiner needs \"coarse_scale\" in (0, 1], got " + coarseScale);
            require(entropyThreshold != null && entropyThreshold >= 0, source,
                    "a refiner needs \"entropy_threshold\" >= 0, got " + entropyThreshold);
            require(patchSize != null && patchSize % 2 == 1 && patchSize > 0, source,
                    "a refiner needs an odd \"patch_size\", got " + patchSize);
            require(patchDilations != null && patchDilations.length > 0, source, "a refiner needs \"patch_dilations\"");
            require(featureCount != null, source, "a refiner needs \"feature_count\"");
            require(selectionGridFactor == null || selectionGridFactor >= 1, source,
                    "\"selection_grid_factor\" " + selectionGridFactor + " must be >= 1");
            for (int i = 0; operatingPoints != null && i < operatingPoints.size(); i++) {
                Point p = operatingPoints.get(i);
                String at = "operating_points[" + i + "]";
                require(p.resolution != null && p.resolution.length == 2 && p.resolution[0] > 0 && p.resolution[1] > 0,
                        source, at + " needs \"resolution\": [width, height]");
                require(p.coarseScale != null && p.coarseScale > 0 && p.coarseScale <= 1, source,
                        at + " needs \"coarse_scale\" in (0, 1], got " + p.coarseScale);
                require(p.entropyThreshold != null && p.entropyThreshold >= 0, source,
                        at + " needs \"entropy_threshold\" >= 0, got " + p.entropyThreshold);
                require(p.selectionGridFactor == null || p.selectionGridFactor >= 1, source,
                        at + " \"selection_grid_factor\" " + p.selectionGridFactor + " must be >= 1");
                require(p.modelSet == null || p.modelSet.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*") && !p.modelSet.contains(".."),
                        source, at + " \"model_set\" \"" + p.modelSet + "\" must name a folder beside the card (letters, digits, . _ -)");
            }
        }
    }

    private static void require(boolean ok, String source, String what) {
        if (!ok) {
            throw new ModelLoadException("model card " + source + ": " + what);
        }
    }
}
