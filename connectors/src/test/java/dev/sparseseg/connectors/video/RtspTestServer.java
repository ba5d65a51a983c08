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
 * A real RTSP server for tests: GStreamer's RTSP server ({@code rtsp/rtsp_server.py}) run by
 * Debian's Python, serving one H.264 clip ({@link #serve}: every client gets its own pipeline, so
 * the clip from its first frame, and the stream ends (RTCP BYE) after the clip's last frame) or a
 * live camera ({@link #camera}: a moving picture encoded as it is made, never ending). Outages
 * for tests: {@link #kill()} and {@link #restart()} on the same port, {@link #pause()} and
 * {@link #resume()} (SIGSTOP, SIGCONT: the connection stays open and silent).
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

  /** What the script serves: a clip's path or live:WxH@FPS. */
  private final String source;
  private final String url;
  private final int port;
  private Process process;
  private Path stderr;

  private RtspTestServer(String source, Process process, Path stderr, String url) {
    this.source = source;
    this.process = process;
    this.stderr = stderr;
    this.url = url;
    this.port = java.net.URI.create(url).getPort();
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
    String source = clip.toAbsolutePath().toString();
    // Port 0: the server binds any free port and reports it, so no other process can take it
    // between choosing and binding.
    Started s = start(source, 0);
    return new RtspTestServer(source, s.process, s.stderr, s.url);
  }

  /**
   * Starts a live camera on a free port of 127.0.0.1: a moving test picture of {@code width} x
   * {@code height} at {@code fps}, H.264 with a keyframe every second, one stream shared by all
   * clients, never ending.
   */
  public static RtspTestServer camera(int width, int height, int fps) {
    String source = "live:" + width + "x" + height + "@" + fps;
    Started s = start(source, 0);
    return new RtspTestServer(source, s.process, s.stderr, s.url);
  }

  /** Kills the server (SIGKILL: its connections drop as if the camera lost power). */
  public synchronized void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts the server again on the same port, after {@link #kill()}; returns once it accepts connections. */
  public synchronized void restart() {
    if (process.isAlive()) {
      throw new IllegalStateException("the server still runs: kill() it first");
    }
    delete(stderr);
    Started s = start(source, port);
    process = s.process;
    stderr = s.stderr;
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing is sent or answered. */
  public synchronized void pause() {
    signal("STOP");
  }

  /** Lets a paused server go on (SIGCONT). */
  public synchronized void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
          .redirectErrorStream(true).start();
      if (!kill.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private record Started(Process process, Path stderr, String url) {}

  private static Started start(String source, int port) {
    Path stderr;
    Process process;
    try {
      stderr = Files.createTempFile("rtsp-server-", ".log");
      process =
          new ProcessBuilder(
                  PYTHON, "-u", script().toString(), source, Integer.toString(port), MOUNT)
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
      return new Started(process, stderr, ready.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS));
    } catch (TimeoutException | ExecutionException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      stop(process);
      String why = e instanceof TimeoutException ? "not ready after " + READY_TIMEOUT_SECONDS + " s"
          : e instanceof ExecutionException ? e.getCause().getMessage() : "interrupted";
      String message = "RTSP test server for " + source + ": " + why + "; its stderr:\n" + read(stderr);
      delete(stderr);
      throw new IllegalStateException(message, e);
    }
  }

  /** rtsp://127.0.0.1:PORT/clip */
  public String url() {
    return url;
  }

  /** Stops the server (SIGCONT if paused, SIGTERM, then SIGKILL) and waits for it to exit. */
  @Override
  public synchronized void close() {
    if (process.isAlive()) {
      resume();
    }
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
