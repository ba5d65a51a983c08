package dev.sparseseg.connectors.video;

import dev.sparseseg.connectors.frame.FrameRecord;
import dev.sparseseg.connectors.source.FrameReader;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Frames of a video file or an RTSP camera, decoded by FFmpeg (JavaCV) straight to RGB24,
 * in stream order, never skipping (the {@code wait} policy). {@link LatestFrameReader} wraps
 * it for drop-oldest.
 */
public final class VideoFrameReader implements FrameReader {
    static {
        // FFmpeg logs every RTP hiccup to stderr by default.
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private final String location;
    private final String streamId;
    private final boolean live;
    private final FFmpegFrameGrabber grabber;
    private long seq;

    /**
     * @param location a file path or an rtsp:// URL
     * @param skip     frames already emitted before a restore (files only; a camera goes on live)
     */
    public VideoFrameReader(String location, String streamId, long skip) throws IOException {
        this.location = location;
        this.streamId = streamId;
        this.live = location.startsWith("rtsp://") || location.startsWith("rtsps://");
        this.grabber = new FFmpegFrameGrabber(location);
        grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
        if (live) {
            // TCP: UDP loses packets under load, and a lost packet is a broken frame.
            grabber.setOption("rtsp_transport", "tcp");
            grabber.setOption("timeout", "10000000");  // microseconds without data before giving up
        }
        try {
            grabber.start();
        } catch (FrameGrabber.Exception e) {
            closeGrabber();
            throw new IOException("cannot open video " + location + ": " + e.getMessage(), e);
        }
        this.seq = live ? skip : 0;
        try {
            while (seq < skip && grabber.grabImage() != null) {
                seq++;
            }
        } catch (FrameGrabber.Exception e) {
            closeGrabber();
            throw new IOException("cannot skip to frame " + skip + " of " + location + ": " + e.getMessage(), e);
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
            throw new IOException("cannot read " + location + " after frame " + seq + ": " + e.getMessage(), e);
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
            grabber.close();  // stop + release: frees the native decoder and frames
        } catch (FrameGrabber.Exception e) {
            throw new IOException("cannot close " + location + ": " + e.getMessage(), e);
        }
    }
}
