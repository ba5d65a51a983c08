#!/usr/bin/python3
"""Serves one H.264 clip (MP4 or Matroska), or a live camera, over RTSP with GStreamer, for tests.

Usage: rtsp_server.py FILE PORT MOUNT   (PORT 0 picks a free port)
       rtsp_server.py live:WxH@FPS PORT MOUNT
                                        (a camera that never ends: a moving test picture encoded
                                         live, one pipeline shared by all clients, like a camera)
       rtsp_server.py --check           (exit 0 when everything it needs is installed)
Prints "READY rtsp://127.0.0.1:PORT/MOUNT" once listening; exits 0 on SIGTERM or SIGINT.
Needs: python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-{base,good,bad}.
"""
import os
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

DEMUXERS = {".mp4": "qtdemux", ".mov": "qtdemux", ".mkv": "matroskademux"}
ELEMENTS = ["filesrc", "qtdemux", "matroskademux", "h264parse", "rtph264pay", "videotestsrc", "openh264enc"]


class ClipFactory(GstRtspServer.RTSPMediaFactory):
    def __init__(self, path):
        super().__init__()
        self.path = path
        demux = DEMUXERS.get(os.path.splitext(path)[1].lower())
        if demux is None:
            raise SystemExit("unsupported container: " + path)
        # Payload the encoded stream as it is: the test compares decoded pixels with the file's.
        # config-interval=-1 repeats SPS/PPS before every IDR so no decoder start depends on the SDP.
        self.launch = (
            "( filesrc name=src ! %s ! h264parse ! "
            "rtph264pay name=pay0 pt=96 config-interval=-1 )" % demux
        )
        # A fresh pipeline per client, so every client gets the clip from its first frame.
        self.set_shared(False)

    def do_create_element(self, url):
        # parse_launch would need the path quoted; setting the property takes any path.
        element = Gst.parse_launch(self.launch)
        element.get_by_name("src").set_property("location", self.path)
        return element


class LiveFactory(GstRtspServer.RTSPMediaFactory):
    """A camera: frames are made at their own pace whether anyone watches or not."""

    def __init__(self, width, height, fps):
        super().__init__()
        # An IDR every second, so a client that (re)joins starts decoding within a second.
        self.set_launch(
            "( videotestsrc is-live=true pattern=ball ! "
            "video/x-raw,width=%d,height=%d,framerate=%d/1 ! "
            "openh264enc gop-size=%d ! h264parse ! "
            "rtph264pay name=pay0 pt=96 config-interval=-1 )" % (width, height, fps, fps)
        )
        self.set_shared(True)


def factory(source):
    if source.startswith("live:"):
        size, fps = source[len("live:"):].split("@")
        width, height = size.split("x")
        return LiveFactory(int(width), int(height), int(fps))
    path = os.path.abspath(source)
    if not os.path.isfile(path):
        raise SystemExit("no such file: " + path)
    return ClipFactory(path)


def main():
    if sys.argv[1:] == ["--check"]:
        Gst.init(None)
        missing = [e for e in ELEMENTS if Gst.ElementFactory.find(e) is None]
        if missing:
            raise SystemExit("missing GStreamer elements: " + " ".join(missing))
        return
    if len(sys.argv) != 4:
        raise SystemExit("usage: rtsp_server.py FILE|live:WxH@FPS PORT MOUNT")
    port, mount = int(sys.argv[2]), sys.argv[3].strip("/")
    Gst.init(None)
    media = factory(sys.argv[1])

    server = GstRtspServer.RTSPServer()
    # Loopback for tests; the camera simulator container sets RTSP_BIND_ADDRESS=0.0.0.0.
    address = os.environ.get("RTSP_BIND_ADDRESS", "127.0.0.1")
    server.set_address(address)
    server.set_service(str(port))
    server.get_mount_points().add_factory("/" + mount, media)
    loop = GLib.MainLoop()
    if server.attach(None) == 0:
        raise SystemExit("cannot listen on %s:%d" % (address, port))

    def stop():
        loop.quit()
        return GLib.SOURCE_REMOVE

    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGTERM, stop)
    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGINT, stop)
    print("READY rtsp://%s:%d/%s" % (address, server.get_bound_port(), mount), flush=True)
    loop.run()


if __name__ == "__main__":
    main()
