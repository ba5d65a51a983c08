package dev.sparseseg.connectors.video;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RTSP test server serves a clip whole and unchanged to FFmpeg's RTSP client. */
class RtspServerTest {

  private static final int WIDTH = 320;
  private static final int HEIGHT = 240;
  private static final int FRAMES = 48;

  @TempDir static Path dir;
  private static Path clip;
  private static List<byte[]> fromFile;

  @BeforeAll
  static void encodeAndDecodeTheClip() throws Exception {
    clip = TestClips.encode(dir.resolve("clip.mp4"), WIDTH, HEIGHT, FRAMES, 24.0);
    fromFile = grabAll(new FFmpegFrameGrabber(clip.toFile()));
  }

  @Test
  void fileDecodesToTheEncodedFramesInOrder() {
    assertEquals(FRAMES, fromFile.size());
    for (int i = 0; i < FRAMES; i++) {
      assertEquals(i, TestClips.frameIndex(fromFile.get(i), WIDTH, HEIGHT), "frame code");
    }
  }

  @Test
  void servesEveryFramePixelIdenticalToTheFile() throws Exception {
    assumeTrue(RtspTestServer.available(), RtspTestServer.REQUIREMENT);
    try (RtspTestServer server = RtspTestServer.serve(clip)) {
      assertSameFrames(grabAll(rtspGrabber(server.url())));
    }
  }

  @Test
  void aClientJoiningMidStreamStillGetsTheClipFromItsFirstFrame() throws Exception {
    assumeTrue(RtspTestServer.available(), RtspTestServer.REQUIREMENT);
    try (RtspTestServer server = RtspTestServer.serve(clip)) {
      CountDownLatch firstIsStreaming = new CountDownLatch(FRAMES / 4);
      CompletableFuture<List<byte[]>> first = CompletableFuture.supplyAsync(() -> {
        try {
          return grabAll(rtspGrabber(server.url()), firstIsStreaming);
        } catch (Exception e) {
          throw new CompletionException(e);
        }
      });
      // Stop waiting if the first client fails: first.get() below then reports its error.
      first.whenComplete((frames, error) -> {
        while (firstIsStreaming.getCount() > 0) {
          firstIsStreaming.countDown();
        }
      });
      assertTrue(firstIsStreaming.await(30, TimeUnit.SECONDS), "first client got no frames");
      List<byte[]> second = grabAll(rtspGrabber(server.url()), new CountDownLatch(0));
      assertSameFrames(first.get(30, TimeUnit.SECONDS));
      assertSameFrames(second);
    }
  }

  private static void assertSameFrames(List<byte[]> streamed) {
    assertEquals(FRAMES, streamed.size(), "frames received over RTSP");
    for (int i = 0; i < FRAMES; i++) {
      byte[] frame = streamed.get(i);
      int expected = i;
      assertArrayEquals(fromFile.get(i), frame, () -> "frame " + expected + " differs (it shows"
          + " frame " + TestClips.frameIndex(frame, WIDTH, HEIGHT) + ")");
    }
  }

  private static FFmpegFrameGrabber rtspGrabber(String url) {
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(url);
    grabber.setOption("rtsp_transport", "tcp");
    // Socket I/O timeout (µs): a stalled server fails the test instead of hanging it.
    grabber.setOption("timeout", "10000000");
    return grabber;
  }

  private static List<byte[]> grabAll(FFmpegFrameGrabber grabber) throws Exception {
    return grabAll(grabber, new CountDownLatch(0));
  }

  /** Every video frame as packed RGB24, until end of stream; closes the grabber. */
  private static List<byte[]> grabAll(FFmpegFrameGrabber grabber, CountDownLatch progress)
      throws Exception {
    List<byte[]> frames = new ArrayList<>();
    try (grabber) {
      grabber.setPixelFormat(AV_PIX_FMT_RGB24);
      grabber.start();
      // The grabber owns and reuses its Frame, so only its bytes are kept.
      Frame frame;
      while ((frame = grabber.grabImage()) != null) {
        frames.add(packedRgb(frame));
        progress.countDown();
      }
    }
    return frames;
  }

  private static byte[] packedRgb(Frame frame) {
    int row = frame.imageWidth * 3;
    byte[] rgb = new byte[row * frame.imageHeight];
    ByteBuffer image = (ByteBuffer) frame.image[0];
    for (int y = 0; y < frame.imageHeight; y++) {
      image.get(y * frame.imageStride, rgb, y * row, row);
    }
    return rgb;
  }
}
