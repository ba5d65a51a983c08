package dev.sparseseg.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunCommandTest {
    @Test
    void aLocalRunRefusesAFolderItCannotReadBeforeStarting(@TempDir Path tmp) {
        Path missing = tmp.resolve("no-such-folder");
        RunCommand run = new RunCommand();
        // Without restarts, a job that did start would fail at once, with another exception.
        new CommandLine(run).parseArgs("--source", "dir:" + missing, "--sink", "discard:", "--restart-attempts", "0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run::call);
        assertTrue(e.getMessage().contains("source dir:" + missing + ": image folder"), e.getMessage());
    }
}
