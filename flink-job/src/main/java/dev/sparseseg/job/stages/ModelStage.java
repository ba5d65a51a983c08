package dev.sparseseg.job.stages;

import dev.sparseseg.job.EngineSpec;
import dev.sparseseg.models.engine.Models;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * An operator that holds ONNX sessions: loaded once per operator instance in {@code open},
 * closed in {@code close} (native memory), never per record. Each instance owns its own
 * {@link Models} because the sessions are not thread-safe.
 */
abstract class ModelStage extends RichMapFunction<FrameInFlight, FrameInFlight> {
    private final EngineSpec spec;
    private transient Models models;

    ModelStage(EngineSpec spec) {
        this.spec = spec;
    }

    @Override
    public void open(OpenContext ctx) {
        models = Models.load(spec.config());
        init(models);
    }

    /** Builds the stage object from the loaded models. */
    abstract void init(Models models);

    @Override
    public void close() {
        if (models != null) {
            models.close();
            models = null;
        }
    }
}
