package dev.sparseseg.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./sparseseg}. */
@Command(name = "sparseseg", mixinStandardHelpOptions = true, version = "sparseseg 0.1.0",
        description = "Live video segmentation with SparseRefine.",
        subcommands = {RunCommand.class, DemoCommand.class, ConsumeCommand.class, ViewCommand.class, EvalCommand.class, BenchCommand.class, SoakCommand.class, BenchJobCommand.class, BenchDecodeCommand.class})
public final class SparseSegCli {
    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new SparseSegCli());
        // Bad values (paths, ranges) surface as IllegalArgumentException: print the message, not a trace.
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof dev.sparseseg.models.card.ModelLoadException) {
                cmd.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cli.execute(args));
    }
}
