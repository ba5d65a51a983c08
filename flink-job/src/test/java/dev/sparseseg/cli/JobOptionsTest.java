package dev.sparseseg.cli;

import dev.sparseseg.job.JobSettings;
import dev.sparseseg.job.SegmentationJob;
import dev.sparseseg.models.engine.EngineConfig;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The job's delivery and restart options as {@code run} parses them. */
class JobOptionsTest {
    @CommandLine.Command(name = "t")
    static final class Cmd {
        @CommandLine.Mixin
        JobOptions job;
    }

    private static JobOptions parse(String... extra) {
        List<String> args = new ArrayList<>(List.of("--source", "kafka://localhost:9092/frames",
                "--sink", "kafka://localhost:9092/segments"));
        args.addAll(List.of(extra));
        Cmd c = new Cmd();
        new CommandLine(c).parseArgs(args.toArray(String[]::new));
        return c.job;
    }

    @Test
    void deliveryDefaultsToAtLeastOnce() {
        assertEquals(JobSettings.Delivery.AT_LEAST_ONCE, parse().settings(EngineConfig.defaults()).delivery());
        assertEquals(JobSettings.Delivery.EXACTLY_ONCE,
                parse("--delivery", "exactly-once").settings(EngineConfig.defaults()).delivery());
    }

    @Test
    void exactlyOnceNeedsCheckpoints() {
        assertThrows(IllegalArgumentException.class,
                () -> parse("--delivery", "exactly-once", "--checkpoint-interval", "0").settings(EngineConfig.defaults()));
        assertThrows(IllegalArgumentException.class, () -> parse("--delivery", "once").settings(EngineConfig.defaults()));
    }

    @Test
    void restartAttemptsBoundTheRestartStrategy() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        parse("--restart-attempts", "3").configureRestarts(env);
        assertEquals("exponential-delay", env.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY));
        assertEquals(3, env.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS));
        assertEquals("none", SegmentationJob.restartStrategy(0).get(RestartStrategyOptions.RESTART_STRATEGY));
    }

    @Test
    void theJobBoundsItsRestartsUnlessTheConfigurationNamesAStrategy() {
        JobSettings s = parse().settings(EngineConfig.defaults());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        SegmentationJob.build(env, s);
        assertEquals("exponential-delay", env.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY));
        assertEquals(SegmentationJob.DEFAULT_RESTART_ATTEMPTS,
                env.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS));

        Configuration cluster = new Configuration();
        cluster.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        StreamExecutionEnvironment configured = StreamExecutionEnvironment.getExecutionEnvironment(cluster);
        SegmentationJob.build(configured, s);
        assertEquals("fixed-delay", configured.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY));
    }
}
