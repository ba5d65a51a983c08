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

    @Test
    void aLocalRunRefusesAnOutputFolderItCannotCreate(@TempDir Path tmp) throws Exception {
        Path file = java.nio.file.Files.writeString(tmp.resolve("a-file"), "not a folder");
        Path in = java.nio.file.Files.createDirectory(tmp.resolve("in"));
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "png", in.resolve("a.png").toFile());
        for (String[] sinks : new String[][] {{"--sink", "dir:" + file.resolve("out")},
                {"--sink", "discard:", "--dead-letters", "dir:" + file.resolve("dlq")}}) {
            RunCommand run = new RunCommand();
            String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("--source", "dir:" + in, "--restart-attempts", "0"),
                    java.util.Arrays.stream(sinks)).toArray(String[]::new);
            new CommandLine(run).parseArgs(args);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run::call, String.join(" ", sinks));
            assertTrue(e.getMessage().contains("sink dir:" + file) && e.getMessage().contains("cannot create output folder"), e.getMessage());
        }
    }
}
