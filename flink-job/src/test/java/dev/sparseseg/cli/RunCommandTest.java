package dev.sparseseg.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

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
        Path file = Files.writeString(tmp.resolve("a-file"), "not a folder");
        Path in = Files.createDirectory(tmp.resolve("in"));
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB),
                "png", in.resolve("a.png").toFile());
        for (String[] sinks : new String[][] {{"--sink", "dir:" + file.resolve("out")},
                {"--sink", "discard:", "--dead-letters", "dir:" + file.resolve("dlq")}}) {
            RunCommand run = new RunCommand();
            String[] args = Stream.concat(Stream.of("--source", "dir:" + in, "--restart-attempts", "0"),
                    Arrays.stream(sinks)).toArray(String[]::new);
            new CommandLine(run).parseArgs(args);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run::call, String.join(" ", sinks));
            assertTrue(e.getMessage().contains("sink dir:" + file) && e.getMessage().contains("cannot create output folder"), e.getMessage());
        }
    }
}
