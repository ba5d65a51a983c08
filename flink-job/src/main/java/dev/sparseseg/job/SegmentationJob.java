package dev.sparseseg.job;

import dev.sparseseg.connectors.frame.DeadLetter;
import dev.sparseseg.connectors.frame.FrameRecord;
import dev.sparseseg.connectors.frame.SegmentRecord;
import dev.sparseseg.connectors.kafka.DeadLetterSerializer;
import dev.sparseseg.connectors.kafka.FrameDeserializer;
import dev.sparseseg.connectors.kafka.KafkaAccessCheck;
import dev.sparseseg.connectors.kafka.KafkaClientProperties;
import dev.sparseseg.connectors.kafka.KafkaLimits;
import dev.sparseseg.connectors.kafka.KafkaTopicLimits;
import dev.sparseseg.connectors.kafka.SegmentSerializer;
import dev.sparseseg.connectors.sink.FolderSink;
import dev.sparseseg.connectors.source.FrameSource;
import dev.sparseseg.connectors.uri.KafkaAddress;
import dev.sparseseg.connectors.uri.SinkUri;
import dev.sparseseg.connectors.uri.SourceUri;
import dev.sparseseg.job.io.DeadLetterLog;
import dev.sparseseg.job.stages.CoarseInferenceStage;
import dev.sparseseg.job.stages.DecodeAhead;
import dev.sparseseg.job.stages.DecodeFrames;
import dev.sparseseg.job.stages.EncodeSegments;
import dev.sparseseg.job.stages.EntropySelectionStage;
import dev.sparseseg.job.stages.FrameInFlight;
import dev.sparseseg.job.stages.GatedFusionStage;
import dev.sparseseg.job.stages.ImageDecoder;
import dev.sparseseg.job.stages.SparseRefinementStage;
import dev.sparseseg.models.engine.EngineConfig;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.operators.SlotSharingGroup;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.KafkaSourceOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The streaming job: sources, then one operator per SparseRefine stage (decode, coarse
 * inference, entropy selection, sparse refinement, gated fusion, encode), then sinks. Large
 * frames that cross the keyBy encoded are decoded by {@link DecodeAhead} beside the stages.
 * Frames are keyed by stream id once, right after the sources, and every later edge keeps
 * the key, so each stream's frames come out in order. The stages chain (records pass by
 * reference) unless refinement is split out with its own parallelism and slot sharing group.
 */
public final class SegmentationJob {
    public static final String NAME = "SparseSeg";
    /** The external resource GPU TaskManagers declare ({@code external-resources: gpu}). */
    public static final String GPU_RESOURCE = "gpu";
    /** A GPU refinement slot's CPU and heap: the models' memory is native (ONNX Runtime), the heap holds frames. */
    static final double REFINE_SLOT_CPU = 0.5;
    static final int REFINE_SLOT_HEAP_MB = 128;
    /**
     * How often Kafka sources look for new partitions and for their topic if it does not exist yet
     * (the connector's default is 5 minutes); the user's {@code partition.discovery.interval.ms} wins.
     */
    static final long PARTITION_DISCOVERY_MS = 5_000;
    private static final String KAFKA_CLIENT_ID_PREFIX = KafkaSourceOptions.CLIENT_ID_PREFIX.key();
    /** Restarts in a row before the job fails, see {@link #restartStrategy}. */
    public static final int DEFAULT_RESTART_ATTEMPTS = 10;
    /**
     * How long an exactly-once sink's transaction may stay open: a checkpoint interval, plus a
     * restart between a checkpoint and its commit. Below Kafka's default
     * {@code transaction.max.timeout.ms} (15 min), which the broker enforces; Flink's own
     * default (1 h) is refused by brokers with that default.
     */
    static final long TRANSACTION_TIMEOUT_MS = 10 * 60_000L;

    private SegmentationJob() {
    }

    /**
     * The job's restart strategy: exponential delay (1 s, doubling up to 30 s, 10% jitter), and
     * after {@code attempts} restarts without 10 minutes of running in between, the job FAILS
     * with the last failure as its cause (a crash loop ends; a failure now and then does not add
     * up, as the count starts again after 10 minutes without one). A lost TaskManager takes one
     * attempt if another comes within slot.request.timeout (5 min): the restart waits for slots.
     * Applied by {@link #pipeline} unless the configuration already names a strategy (the
     * cluster's config.yaml, {@code run --restart-attempts}).
     */
    public static Configuration restartStrategy(int attempts) {
        if (attempts < 0) {
            throw new IllegalArgumentException("restart attempts " + attempts + " must be >= 0");
        }
        Configuration c = new Configuration();
        if (attempts == 0) {
            c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            return c;
        }
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
        c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofSeconds(30));
        c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR, 0.1);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD, Duration.ofMinutes(10));
        c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, attempts);
        return c;
    }

    /** Adds the job's graph to {@code env}; call {@code env.execute(NAME)} to run it. */
    public static void build(StreamExecutionEnvironment env, JobSettings s) {
        DataStream<SegmentRecord> segments = pipeline(env, s);
        for (String uri : s.sinks()) {
            sink(segments, SinkUri.parse(uri), s);
        }
    }

    /**
     * Sources, stages and dead letters, without the sinks: the segmented frames, for
     * {@link #build} or a benchmark's own sink.
     */
    public static DataStream<SegmentRecord> pipeline(StreamExecutionEnvironment env, JobSettings s) {
        s.validate();
        // Refused credentials fail here, naming the broker; in the job, Kafka's clients would retry forever.
        KafkaAccessCheck.checkAll(s.kafkaBootstrapServers(), s.kafkaProperties());
        // A record over its topic's limit fails the sink's task at every restart: say so now.
        s.kafkaOutputTopics().forEach((bootstrap, topics) ->
                KafkaTopicLimits.warnBelow(bootstrap, topics, s.kafkaProperties(), KafkaLimits.MAX_MESSAGE_BYTES));
        EngineConfig engine = s.engine();
        env.getConfig().enableObjectReuse();
        // Operators without an explicit parallelism (dead letters) must fit the same slots.
        env.setParallelism(s.parallelism());
        if (s.checkpointMs() > 0) {
            // Commits Kafka offsets and the file/folder positions; the stages themselves hold no state.
            env.enableCheckpointing(s.checkpointMs());
        }
        if (env.getConfiguration().getOptional(RestartStrategyOptions.RESTART_STRATEGY).isEmpty()) {
            env.configure(restartStrategy(DEFAULT_RESTART_ATTEMPTS));
        }

        DataStream<FrameRecord> frames = sources(env, s);
        SingleOutputStreamOperator<FrameInFlight> decoded = frames
                .keyBy(f -> f.streamId)
                .transform("decode ahead", TypeInformation.of(FrameRecord.class), new DecodeAhead.Factory(s.maxPixels()))
                .uid("decode-ahead").setParallelism(s.parallelism())
                .process(new DecodeFrames(s.maxPixels())).name("decode").uid("decode").setParallelism(s.parallelism());
        DataStream<FrameInFlight> selected = decoded
                .map(new CoarseInferenceStage(engine)).name("coarse inference").uid("coarse-inference").setParallelism(s.parallelism())
                .map(new EntropySelectionStage(engine)).name("entropy selection").uid("entropy-selection").setParallelism(s.parallelism());

        DataStream<FrameInFlight> refined;
        if (s.refineParallelism() == null) {
            refined = selected.map(new SparseRefinementStage(engine)).name("sparse refinement").uid("sparse-refinement")
                    .setParallelism(s.parallelism());
        } else {
            SingleOutputStreamOperator<FrameInFlight> r = selected.keyBy(f -> f.streamId)
                    .map(new SparseRefinementStage(engine)).name("sparse refinement").uid("sparse-refinement")
                    .setParallelism(s.refineParallelism());
            if (s.refineGpus() > 0) {
                // Fine-grained resources: only TaskManagers declaring external resource "gpu" get these slots.
                r.slotSharingGroup(SlotSharingGroup.newBuilder(s.refineSlotGroup())
                        .setCpuCores(REFINE_SLOT_CPU).setTaskHeapMemoryMB(REFINE_SLOT_HEAP_MB)
                        .setExternalResource(GPU_RESOURCE, s.refineGpus()).build());
            } else if (s.refineSlotGroup() != null) {
                r.slotSharingGroup(s.refineSlotGroup());
            }
            refined = r.keyBy(f -> f.streamId);
        }
        SingleOutputStreamOperator<SegmentRecord> segments = refined
                .map(new GatedFusionStage(engine, s.overlays(), s.masks())).name("gated fusion").uid("gated-fusion").setParallelism(s.parallelism())
                // Chained: a camera-size label map (8 MB at 4K) would be spilled to disk between chains;
                // large maps are deflated on all cores instead.
                .process(new EncodeSegments(engine, s.overlays(), s.masks())).name("encode").uid("encode").setParallelism(s.parallelism());

        // Unreadable input from the decoder, frames a stage or the encoder failed on from the encoder.
        deadLetters(decoded.getSideOutput(DecodeFrames.DEAD_LETTERS).union(segments.getSideOutput(DecodeFrames.DEAD_LETTERS)), s);
        return segments;
    }

    private static DataStream<FrameRecord> sources(StreamExecutionEnvironment env, JobSettings s) {
        List<DataStream<FrameRecord>> streams = new ArrayList<>();
        // Sources decode images in their own threads, beside the inference: image folders at
        // idle priority (their thread only reads), Kafka in the task's thread. Frames too large
        // to cross the keyBy decoded (ImageDecoder.MAX_RGB_BYTES) are decoded after it.
        FrameSource.Builder local = FrameSource.builder().decoder(ImageDecoder.atIdlePriority(s.maxPixels()));
        int localCount = 0;
        for (String uri : s.sources()) {
            SourceUri src = SourceUri.parse(uri);
            if (src.kind() == SourceUri.Kind.KAFKA) {
                KafkaAddress a = src.kafka();
                KafkaSourceBuilder<FrameRecord> builder = KafkaSource.<FrameRecord>builder()
                        .setBootstrapServers(a.bootstrapServers())
                        // A pattern, not a topic list: a topic created after the job started is picked up at the
                        // next partition discovery (and read from its start) instead of failing the job.
                        .setTopicPattern(Pattern.compile(Pattern.quote(a.topic())))
                        .setGroupId(s.kafkaGroupId())
                        .setStartingOffsets(OffsetsInitializer.committedOffsets(
                                src.start() == SourceUri.Start.LATEST ? OffsetResetStrategy.LATEST : OffsetResetStrategy.EARLIEST))
                        .setDeserializer(new FrameDeserializer(new ImageDecoder(s.maxPixels()), src.maxLagMs(), s.maxFrameBytes()))
                        .setProperties(consumerConfig(s.kafkaProperties()));
                if (s.kafkaProperties().containsKey("client.id") && !s.kafkaProperties().containsKey(KAFKA_CLIENT_ID_PREFIX)) {
                    // The source names its consumers PREFIX-SUBTASK and overrides client.id.
                    builder.setClientIdPrefix(s.kafkaProperties().get("client.id"));
                }
                KafkaSource<FrameRecord> kafka = builder.build();
                streams.add(env.fromSource(kafka, WatermarkStrategy.noWatermarks(), "kafka " + a.topic())
                        .uid("source-kafka-" + a.topic()).setParallelism(s.parallelism()));
            } else {
                local.add(uri);
                localCount++;
            }
        }
        if (localCount > 0) {
            streams.add(env.fromSource(local.build(), WatermarkStrategy.noWatermarks(), "frames")
                    .uid("source-frames").setParallelism(Math.min(localCount, s.parallelism())));
        }
        DataStream<FrameRecord> all = streams.get(0);
        for (int i = 1; i < streams.size(); i++) {
            all = all.union(streams.get(i));
        }
        return all;
    }

    /**
     * The Kafka sources' consumer settings: frame-size fetches, partition discovery every
     * {@link #PARTITION_DISCOVERY_MS} ms, then the user's settings (which may override either).
     */
    static Properties consumerConfig(Map<String, String> user) {
        Properties p = KafkaLimits.consumer();
        p.setProperty(KafkaSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS.key(), Long.toString(PARTITION_DISCOVERY_MS));
        return KafkaClientProperties.copyOf(user).mergeInto(p);
    }

    private static void sink(DataStream<SegmentRecord> segments, SinkUri uri, JobSettings s) {
        int parallelism = s.parallelism();
        switch (uri.kind()) {
            case KAFKA -> {
                String bootstrap = uri.kafka().bootstrapServers();
                kafkaOut(segments, bootstrap, uri.kafka().topic(), SegmentSerializer.labels(uri.kafka().topic()), s);
                if (uri.overlayTopic() != null) {
                    kafkaOut(segments, bootstrap, uri.overlayTopic(), SegmentSerializer.overlays(uri.overlayTopic()), s);
                }
                if (uri.maskTopic() != null) {
                    kafkaOut(segments, bootstrap, uri.maskTopic(), SegmentSerializer.masks(uri.maskTopic()), s);
                }
            }
            case DIR -> segments.sinkTo(new FolderSink(uri.dir())).name("folder " + uri.dir())
                    .uid("sink-dir-" + uri.dir()).setParallelism(parallelism);
            case DISCARD -> segments.sinkTo(new DiscardingSink<>()).name("discard").uid("sink-discard").setParallelism(parallelism);
        }
    }

    /** One Kafka output topic of the segmented frames; its uid also names its transactions. */
    private static void kafkaOut(DataStream<SegmentRecord> segments, String bootstrap, String topic,
                                 org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema<SegmentRecord> serializer,
                                 JobSettings s) {
        String uid = "sink-kafka-" + topic;
        segments.sinkTo(kafkaSink(bootstrap, serializer, s, uid)).name("kafka " + topic).uid(uid).setParallelism(s.parallelism());
    }

    private static void deadLetters(DataStream<DeadLetter> letters, JobSettings s) {
        String target = s.resolvedDeadLetters();
        if (target.equals("log")) {
            letters.sinkTo(new DeadLetterLog()).name("dead letters (log)").uid("dead-letters");
            return;
        }
        SinkUri uri = SinkUri.parse(target);
        if (uri.kind() == SinkUri.Kind.KAFKA) {
            letters.sinkTo(kafkaSink(uri.kafka().bootstrapServers(), new DeadLetterSerializer(uri.kafka().topic()), s, "dead-letters"))
                    .name("dead letters " + uri.kafka().topic()).uid("dead-letters");
        } else {
            letters.sinkTo(new DeadLetterLog(Path.of(uri.dir().toString()))).name("dead letters " + uri.dir()).uid("dead-letters");
        }
    }

    /** @param uid the sink's operator uid: with the group id, it names the sink's Kafka transactions */
    private static <T> KafkaSink<T> kafkaSink(String bootstrap,
                                              org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema<T> serializer,
                                              JobSettings s, String uid) {
        KafkaSinkBuilder<T> b = KafkaSink.<T>builder()
                .setBootstrapServers(bootstrap)
                .setRecordSerializer(serializer)
                .setKafkaProducerConfig(KafkaClientProperties.copyOf(s.kafkaProperties()).mergeInto(KafkaLimits.producer()))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
        if (s.delivery() == JobSettings.Delivery.EXACTLY_ONCE) {
            b.setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                    .setTransactionalIdPrefix(transactionalIdPrefix(s, uid))
                    .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, s.kafkaProperties().getOrDefault(
                            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(TRANSACTION_TIMEOUT_MS)));
        }
        return b.build();
    }

    /**
     * Exactly-once sinks write in one Kafka transaction per checkpoint, named by this prefix.
     * It must differ between jobs (their transactions would fence each other) and stay the
     * same when a job restarts or resumes from a savepoint (the new job aborts or commits the
     * old one's open transactions by name), so it comes from the job's consumer group and the
     * sink's uid, not from the job id, which a resumed job does not keep.
     */
    static String transactionalIdPrefix(JobSettings s, String uid) {
        return "sparseseg-" + s.kafkaGroupId() + "-" + uid;
    }
}
