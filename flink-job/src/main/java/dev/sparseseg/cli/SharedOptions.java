package dev.sparseseg.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Options that several commands take with the same meaning, each declared once here and
 * mixed in ({@code @Mixin}) where it is taken. Groups of options have their own classes
 * ({@link EngineOptions}, {@link DatasetOptions}, {@link JobOptions}, {@link KafkaClientOptions}).
 */
final class SharedOptions {
    private SharedOptions() {
    }

    /** {@code --json FILE}: bench, eval. */
    static final class Json {
        @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
        Path file;
    }

    /** {@code --bootstrap}: consume, view. */
    static final class Bootstrap {
        @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
        String servers;
    }

    /** {@code --parallelism}: run, demo, and bench's job runs. */
    static final class Parallelism {
        @Option(names = "--parallelism", paramLabel = "N", defaultValue = "1", description = "Parallelism of the job's chained stages; "
                + "topics the command creates get as many partitions (default: ${DEFAULT-VALUE}).")
        int value;
    }

    /** {@code --refine-parallelism}: run, bench-job. */
    static final class RefineParallelism {
        @Option(names = "--refine-parallelism", paramLabel = "N",
                description = "Split sparse refinement out of the chain with this parallelism (default: chained).")
        Integer value;
    }

    /** {@code --models}: every command that segments (in {@link EngineOptions}), and view (for the class names). */
    static final class Models {
        @Option(names = "--models", paramLabel = "DIR",
                description = "Directory of model cards and ONNX files (default: the bundled reference models).")
        Path dir;
    }
}
