package dev.sparseseg.connectors.video;

import dev.sparseseg.connectors.frame.FrameRecord;
import dev.sparseseg.connectors.source.FrameReader;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Frames of a video file or an RTSP camera, decoded by FFmpeg (JavaCV) straight to RGB24,
 * in stream order, never skipping (the {@code wait} policy). {@link LatestFrameReader} wraps
 * it for drop-oldest; {@link Camera} opens one per connection to a camera. Messages never
 * show a camera URL's credentials.
 */
public final class VideoFrameReader implements FrameReader {
    static {
        // FFmpeg logs every RTP hiccup to stderr by default.
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    /** Socket I/O timeout of cameras unless the caller sets one. */
    public static final Duration DEFAULT_IO_TIMEOUT = Duration.ofSeconds(10);

    private final String location;
    /** The location as messages show it (credentials redacted). */
    private final String shown;
    private final String streamId;
    private final boolean live;
    private final FFmpegFrameGrabber grabber;
    private long seq;

    /**
     * @param location a file path or an rtsp:// URL
     * @param skip     frames already emitted before a restore (files only; a camera goes on live)
     */
    public VideoFrameReader(String location, String streamId, long skip) throws IOException {
        this(location, streamId, skip, DEFAULT_IO_TIMEOUT);
    }

    /**
     * @param ioTimeout cameras: how long FFmpeg waits for data from the socket. It bounds
     *                  connecting; a grab of a camera that stops sending can still outlast it
     *                  (JavaCV retries the read), which is why {@link Camera} watches for stalls itself
     */
    public VideoFrameReader(String location, String streamId, long skip, Duration ioTimeout) throws IOException {
        this.location = location;
        this.shown = CameraUrls.redact(location);
        this.streamId = streamId;
        this.live = location.startsWith("rtsp://") || location.startsWith("rtsps://");
        this.grabber = new FFmpegFrameGrabber(location);
        grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
        if (live) {
            // TCP: UDP loses packets under load, and a lost packet is a broken frame.
            grabber.setOption("rtsp_transport", "tcp");
            grabber.setOption("timeout", Long.toString(ioTimeout.toNanos() / 1000));  // microseconds
        }
        try {
            if (live) {
                // start() holds a lock global to JavaCV while it opens, and a camera that does not
                // answer holds it for the whole timeout: no other camera could (re)connect meanwhile.
                // FFmpeg itself needs no such lock since 4.0.
                grabber.startUnsafe();
            } else {
                grabber.start();
            }
        } catch (FrameGrabber.Exception e) {
            closeGrabber();
            throw failure("cannot open video " + shown, e);
        }
        this.seq = live ? skip : 0;
        try {
            while (seq < skip && grabber.grabImage() != null) {
                seq++;
            }
        } catch (FrameGrabber.Exception e) {
            closeGrabber();
            throw failure("cannot skip to frame " + skip + " of " + shown, e);
        }
    }

    /** Loads FFmpeg's native libraries now rather than at the first open. */
    static void loadFFmpeg() throws IOException {
        try {
            FFmpegFrameGrabber.tryLoad();
        } catch (FrameGrabber.Exception e) {
            throw new IOException("cannot load FFmpeg: " + e.getMessage(), e);
        }
    }

    public boolean live() {
        return live;
    }

    /** Frames per second the stream declares (0 when unknown). */
    public double frameRate() {
        return grabber.getFrameRate();
    }

    @Override
    public FrameRecord read() throws IOException {
        Frame f;
        try {
            f = grabber.grabImage();
        } catch (FrameGrabber.Exception e) {
            throw failure("cannot read " + shown + " after frame " + seq, e);
        }
        if (f == null) {
            return null;
        }
        // The grabber reuses f's buffer: copy the pixels out before the next grab.
        int w = f.imageWidth;
        int h = f.imageHeight;
        int stride = f.imageStride;
        ByteBuffer src = (ByteBuffer) f.image[0];
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            src.get(y * stride, rgb, y * w * 3, w * 3);
        }
        return FrameRecord.rgb(streamId, seq++, System.currentTimeMillis(), w, h, rgb);
    }

    @Override
    public void close() throws IOException {
        closeGrabber();
    }

    private void closeGrabber() throws IOException {
        try {
            if (live) {
                grabber.releaseUnsafe();  // frees the native decoder and frames, without JavaCV's global lock
            } else {
                grabber.close();  // stop + release: frees the native decoder and frames
            }
        } catch (FrameGrabber.Exception e) {
            throw failure("cannot close " + shown, e);
        }
    }

    /**
     * JavaCV's messages quote the URL as given: the message is redacted, and an exception
     * whose message held credentials is not kept as the cause (its stack trace is).
     */
    private IOException failure(String what, Exception e) {
        // JavaCV appends hints for programmers ("Has setFormat() been called?"): not for a log.
        String detail = String.valueOf(e.getMessage()).replace(" (Has setFormat() been called?)", "")
                .replace(" (For more details, make sure FFmpegLogCallback.set() has been called.)", "");
        IOException io = new IOException(what + ": " + CameraUrls.redact(detail.replace(location, shown)));
        if (shown.equals(location)) {
            io.initCause(e);
        } else {
            io.setStackTrace(e.getStackTrace());
        }
        return io;
    }

    @Override
    public String toString() {
        return "video " + streamId + " (" + shown + ")";
    }
}
