package dev.sparseseg.connectors.video;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real RTSP server for tests: GStreamer's RTSP server ({@code rtsp/rtsp_server.py}) serving one
 * H.264 clip, run by Debian's Python. Every client gets its own pipeline, so the clip from its
 * first frame, and the stream ends (RTCP BYE) after the clip's last frame.
 */
public final class RtspTestServer implements AutoCloseable {

  /** Debian's interpreter: the one python3-gi is installed for. */
  public static final String PYTHON = "/usr/bin/python3";

  /** What {@link #available()} needs, for assumption messages. */
  public static final String REQUIREMENT =
      "the RTSP test server needs Debian's GStreamer RTSP server: apt-get install python3-gi"
          + " gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good"
          + " gstreamer1.0-plugins-bad";

  private static final String MOUNT = "clip";
  private static final long READY_TIMEOUT_SECONDS = 30;
  private static final long STOP_TIMEOUT_SECONDS = 10;

  private static Path script;
  private static Boolean available;

  private final Process process;
  private final Path stderr;
  private final String url;

  private RtspTestServer(Process process, Path stderr, String url) {
    this.process = process;
    this.stderr = stderr;
    this.url = url;
  }

  /** Whether python3-gi, the RTSP server typelib and the GStreamer elements the script uses exist. */
  public static synchronized boolean available() {
    if (available == null) {
      boolean ok;
      try {
        Process check =
            new ProcessBuilder(PYTHON, script().toString(), "--check")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        ok = check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0;
        check.destroyForcibly();
      } catch (IOException e) {
        ok = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ok = false;
      }
      available = ok;
    }
    return available;
  }

  /**
   * Starts a server for {@code clip} (H.264 in .mp4 or .mkv) on a free port of 127.0.0.1 and
   * returns once it accepts connections.
   */
  public static RtspTestServer serve(Path clip) {
    if (!Files.isRegularFile(clip)) {
      throw new IllegalArgumentException("no such clip: " + clip);
    }
    Path stderr;
    Process process;
    try {
      stderr = Files.createTempFile("rtsp-server-", ".log");
      // Port 0: the server binds any free port and reports it, so no other process can take it
      // between choosing and binding.
      process =
          new ProcessBuilder(
                  PYTHON, "-u", script().toString(), clip.toAbsolutePath().toString(), "0", MOUNT)
              .redirectInput(new File("/dev/null"))
              .redirectError(stderr.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + PYTHON + " (" + REQUIREMENT + ")", e);
    }
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> readStdout(process.getInputStream(), ready), "rtsp-server-out");
    reader.setDaemon(true);
    reader.start();
    try {
      return new RtspTestServer(process, stderr, ready.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS));
    } catch (TimeoutException | ExecutionException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      stop(process);
      String why = e instanceof TimeoutException ? "not ready after " + READY_TIMEOUT_SECONDS + " s"
          : e instanceof ExecutionException ? e.getCause().getMessage() : "interrupted";
      String message = "RTSP test server for " + clip + ": " + why + "; its stderr:\n" + read(stderr);
      delete(stderr);
      throw new IllegalStateException(message, e);
    }
  }

  /** rtsp://127.0.0.1:PORT/clip */
  public String url() {
    return url;
  }

  /** Stops the server (SIGTERM, then SIGKILL) and waits for it to exit. */
  @Override
  public void close() {
    stop(process);
    delete(stderr);
  }

  private static void readStdout(InputStream out, CompletableFuture<String> ready) {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (!ready.isDone() && line.startsWith("READY ")) {
          ready.complete(line.substring("READY ".length()).trim());
        }
      }
      // Drained to the end so the server never blocks on a full pipe.
      ready.completeExceptionally(new IllegalStateException("exited before it was ready"));
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
  }

  private static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The script, copied out of the test classpath once, so it also runs from a jar. */
  private static synchronized Path script() throws IOException {
    if (script == null) {
      try (InputStream in = RtspTestServer.class.getResourceAsStream("/rtsp/rtsp_server.py")) {
        if (in == null) {
          throw new IOException("rtsp/rtsp_server.py is not on the test classpath");
        }
        Path copy = Files.createTempFile("rtsp_server-", ".py");
        copy.toFile().deleteOnExit();
        Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        script = copy;
      }
    }
    return script;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // A leftover log in the temp folder is harmless.
    }
  }
}
