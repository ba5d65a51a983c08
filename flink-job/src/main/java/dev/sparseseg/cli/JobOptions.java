package dev.sparseseg.cli;

import dev.sparseseg.job.JobSettings;
import dev.sparseseg.job.SegmentationJob;
import dev.sparseseg.models.engine.EngineConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;

/** Options of the streaming job: where frames come from and go, and how the stages are laid out. */
public final class JobOptions {
    @Option(names = "--source", paramLabel = "URI", required = true,
            description = "Frame source, repeatable: kafka://HOST:PORT/TOPIC, rtsp://..., file:VIDEO, dir:FOLDER; "
                    + "options after '#': id=STREAM, policy=wait|drop-oldest, start=earliest|latest (Kafka: where a new "
                    + "consumer group starts), and for cameras stall-timeout=DURATION (no frame for this long reconnects "
                    + "the camera, default 10s; a camera that drops or is down is retried with backoff, never ends the job) "
                    + "(e.g. rtsp://cam/live#id=gate&policy=drop-oldest&stall-timeout=5s).")
    List<String> sources;

    @Option(names = "--sink", paramLabel = "URI", required = true,
            description = "Output, repeatable: kafka://HOST:PORT/TOPIC[#overlays=TOPIC], dir:PATH, discard:.")
    List<String> sinks;

    @Option(names = "--dead-letters", paramLabel = "URI",
            description = "Where undecodable input goes: kafka://HOST:PORT/TOPIC, dir:PATH or log "
                    + "(default: frames-dlq on the first Kafka broker named, else log).")
    String deadLetters;

    @Mixin
    SharedOptions.Parallelism parallelism;

    @Mixin
    SharedOptions.RefineParallelism refineParallelism;

    @Option(names = "--refine-slot-group", paramLabel = "NAME",
            description = "Slot sharing group of the split-out refinement, e.g. one served by GPU TaskManagers.")
    String refineSlotGroup;

    @Option(names = "--refine-gpus", paramLabel = "N", defaultValue = "0",
            description = "GPUs each refinement slot requests, so it runs only on TaskManagers declaring "
                    + "external-resource.gpu.amount (needs --refine-slot-group; default: ${DEFAULT-VALUE}).")
    double refineGpus;

    @Option(names = "--group-id", defaultValue = "sparseseg", description = "Kafka consumer group of Kafka sources (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--checkpoint-interval", paramLabel = "MS", defaultValue = "10000",
            description = "Checkpoint interval in ms; Kafka offsets are committed at checkpoints; 0 = off (default: ${DEFAULT-VALUE}).")
    long checkpointMs;

    @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "40000000",
            description = "Frames declaring more pixels (width x height) are dead letters, refused before they are "
                    + "decoded (default: ${DEFAULT-VALUE}, above 8K's 33177600).")
    long maxPixels;

    @Option(names = "--max-frame-bytes", paramLabel = "N", defaultValue = "" + JobSettings.DEFAULT_MAX_FRAME_BYTES,
            description = "Input records larger than this are dead letters (default: ${DEFAULT-VALUE}, the largest "
                    + "record the job's frame topics take).")
    long maxFrameBytes;

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--delivery", paramLabel = "at-least-once|exactly-once", defaultValue = "at-least-once",
            description = "Guarantee of the Kafka sinks: at-least-once (results as soon as made; after a failure, those "
                    + "since the last checkpoint come again) or exactly-once (Kafka transactions committed at each "
                    + "checkpoint: no duplicates for consumers with isolation.level=read_committed, results a checkpoint "
                    + "interval later) (default: ${DEFAULT-VALUE}).")
    String delivery;

    @Option(names = "--restart-attempts", paramLabel = "N",
            description = "Restarts in a row (exponential delay 1 s to 30 s) before the job fails; the count starts "
                    + "again after 10 minutes without a failure; 0 = fail at the first (default: the cluster's "
                    + "restart-strategy if its configuration names one, else " + SegmentationJob.DEFAULT_RESTART_ATTEMPTS + ").")
    Integer restartAttempts;

    /** Puts the restart strategy of {@code --restart-attempts}, if given, into the job's environment. */
    public void configureRestarts(StreamExecutionEnvironment env) {
        if (restartAttempts != null) {
            env.configure(SegmentationJob.restartStrategy(restartAttempts));
        }
    }

    public JobSettings settings(EngineConfig engine) {
        if (refineSlotGroup != null && refineParallelism.value == null) {
            throw new IllegalArgumentException("--refine-slot-group " + refineSlotGroup + " needs --refine-parallelism");
        }
        return new JobSettings(sources, sinks, deadLetters, engine, parallelism.value, refineParallelism.value,
                refineSlotGroup, groupId, checkpointMs, refineGpus)
                .withLimits(maxPixels, maxFrameBytes)
                .withKafkaProperties(kafka.properties())
                .withDelivery(JobSettings.Delivery.parse(delivery))
                .validate();
    }
}
