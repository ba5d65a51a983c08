package dev.sparseseg.connectors.video;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Synthetic H.264 clips for video tests: deterministic pictures (gradients, moving rectangles and
 * a frame-number code), so a test can tell which frame it got back, encoded by FFmpeg itself.
 */
public final class TestClips {

  /** Bits of the frame-number code drawn along the top of every frame. */
  public static final int CODE_BITS = 8;

  private static final int CODE_HEIGHT = 16;

  private TestClips() {}

  /**
   * Encodes {@code frames} frames of {@link #frame} into {@code file} (".mp4" or ".mkv") as H.264
   * with OpenH264: the only H.264 encoder in the LGPL FFmpeg build JavaCV ships, and H.264 is what
   * cameras serve over RTSP. Baseline profile, so no B-frames reorder anything; an IDR at frame 0
   * and every 10 frames. Returns {@code file}.
   */
  public static Path encode(Path file, int width, int height, int frames, double fps) {
    if (width % 2 != 0 || height % 2 != 0 || width < CODE_BITS * 4 || height < CODE_HEIGHT * 2) {
      throw new IllegalArgumentException("need even sizes of at least 32x32: " + width + "x" + height);
    }
    if (frames < 1 || frames >= 1 << CODE_BITS || !(fps > 0)) {
      throw new IllegalArgumentException("frames in 1.." + ((1 << CODE_BITS) - 1) + " and fps > 0");
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    String container;
    if (name.endsWith(".mp4")) {
      container = "mp4";
    } else if (name.endsWith(".mkv")) {
      container = "matroska";
    } else {
      throw new IllegalArgumentException("clip must be .mp4 or .mkv: " + file);
    }
    try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
        Frame picture = new Frame(width, height, Frame.DEPTH_UBYTE, 3)) {
      recorder.setFormat(container);
      recorder.setVideoCodecName("libopenh264");
      recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
      recorder.setFrameRate(fps);
      recorder.setGopSize(10);
      recorder.setVideoBitrate(4_000_000);
      // Frames in must equal frames out: never let rate control drop one.
      recorder.setVideoOption("allow_skip_frames", "0");
      recorder.start();
      ByteBuffer buffer = (ByteBuffer) picture.image[0];
      for (int i = 0; i < frames; i++) {
        byte[] rgb = frame(i, width, height);
        for (int y = 0; y < height; y++) {
          buffer.put(y * picture.imageStride, rgb, y * width * 3, width * 3);
        }
        recorder.record(picture, AV_PIX_FMT_RGB24);
      }
      recorder.stop();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + file, e);
    }
    return file;
  }

  /**
   * Frame {@code index} as packed RGB24 (row by row, no padding): a gradient that drifts, two
   * rectangles moving in opposite directions, and {@code index} in binary along the top edge as
   * black and white blocks, large enough to survive lossy coding.
   */
  public static byte[] frame(int index, int width, int height) {
    byte[] rgb = new byte[width * height * 3];
    int blockW = width / CODE_BITS;
    int rectW = width / 4;
    int rectH = height / 4;
    int ax = Math.floorMod(index * 5, width - rectW);
    int ay = height / 4;
    int bx = width - rectW - Math.floorMod(index * 3, width - rectW);
    int by = height / 2 + Math.floorMod(index * 2, height / 2 - rectH);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r;
        int g;
        int b;
        if (y < CODE_HEIGHT) {
          int bit = CODE_BITS - 1 - Math.min(x / blockW, CODE_BITS - 1);
          r = g = b = (index >> bit & 1) != 0 ? 255 : 0;
        } else if (x >= ax && x < ax + rectW && y >= ay && y < ay + rectH) {
          r = 230;
          g = 40;
          b = 40;
        } else if (x >= bx && x < bx + rectW && y >= by && y < by + rectH) {
          r = 40;
          g = 200;
          b = 60;
        } else {
          r = (x * 255 / width + index * 4) & 0xff;
          g = y * 255 / height;
          b = 128 + (x + y) / 8 % 64;
        }
        int p = (y * width + x) * 3;
        rgb[p] = (byte) r;
        rgb[p + 1] = (byte) g;
        rgb[p + 2] = (byte) b;
      }
    }
    return rgb;
  }

  /** Reads back the frame number drawn by {@link #frame} from a decoded packed RGB24 picture. */
  public static int frameIndex(byte[] rgb, int width, int height) {
    int blockW = width / CODE_BITS;
    int y = CODE_HEIGHT / 2;
    int index = 0;
    for (int bit = 0; bit < CODE_BITS; bit++) {
      int x = bit * blockW + blockW / 2;
      int luma = rgb[(y * width + x) * 3 + 1] & 0xff;
      index = index << 1 | (luma >= 128 ? 1 : 0);
    }
    return index;
  }
}
