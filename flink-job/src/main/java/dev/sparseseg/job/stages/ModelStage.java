package dev.sparseseg.job.stages;

import dev.sparseseg.job.metrics.JobMetrics;
import dev.sparseseg.job.metrics.SecondsHistogram;
import dev.sparseseg.models.engine.EngineConfig;
import dev.sparseseg.models.engine.Models;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator that runs a stage on the ONNX sessions its pipeline shares: loaded once per
 * chain of stage operators in a slot ({@link PipelineShared}), closed with the last of them
 * (native memory), never per record. A frame the stage throws on is marked failed and passed
 * on, so that it becomes a dead letter and the job goes on; a frame that failed upstream
 * passes untouched.
 */
abstract class ModelStage extends RichMapFunction<FrameInFlight, FrameInFlight> {
    private static final Logger LOG = LoggerFactory.getLogger(ModelStage.class);
    static final String MODELS = "models";

    private final EngineConfig engine;
    private final FrameInFlight.Stage stage;
    private transient String modelsKey;
    private transient Counter failures;
    private transient SecondsHistogram stageTime;

    ModelStage(EngineConfig engine, FrameInFlight.Stage stage) {
        this.engine = engine;
        this.stage = stage;
    }

    @Override
    public void open(OpenContext ctx) {
        int slots = ((StreamingRuntimeContext) getRuntimeContext()).getTaskManagerRuntimeInfo().getConfiguration()
                .get(TaskManagerOptions.NUM_TASK_SLOTS);
        modelsKey = PipelineShared.chainKey(getRuntimeContext(), MODELS);
        MetricGroup metrics = JobMetrics.of(getRuntimeContext());
        failures = metrics.counter("frames_failed_total");
        stageTime = JobMetrics.seconds(metrics, JobMetrics.STAGE_SECONDS);
        init(PipelineShared.acquire(modelsKey, () -> Models.load(engine.forSlots(slots))));
    }

    /** Builds the stage object from the pipeline's models. */
    abstract void init(Models models);

    /** The stage's work on one frame. */
    abstract void apply(FrameInFlight f);

    @Override
    public final FrameInFlight map(FrameInFlight f) {
        if (f.error != null) {
            return f;
        }
        long t0 = System.nanoTime();
        try {
            apply(f);
        } catch (RuntimeException | OutOfMemoryError e) {
            // One frame the models cannot take must not fail the task (and replay every frame since the last checkpoint).
            LOG.warn("frame {}#{} failed in {}; it goes to the dead letters", f.streamId, f.seq, stage.id, e);
            f.fail(stage.id, e);
            failures.inc();
        }
        long ns = System.nanoTime() - t0;
        f.stageNs[stage.ordinal()] += ns;
        stageTime.record(ns);
        return f;
    }

    @Override
    public void close() throws Exception {
        if (modelsKey != null) {
            PipelineShared.release(modelsKey);
            modelsKey = null;
        }
    }
}
