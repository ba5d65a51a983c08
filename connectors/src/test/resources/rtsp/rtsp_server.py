#!/usr/bin/python3
"""Serves one H.264 clip (MP4 or Matroska) over RTSP with GStreamer, for integration tests.

Usage: rtsp_server.py FILE PORT MOUNT   (PORT 0 picks a free port)
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
ELEMENTS = ["filesrc", "qtdemux", "matroskademux", "h264parse", "rtph264pay"]


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


def main():
    if sys.argv[1:] == ["--check"]:
        Gst.init(None)
        missing = [e for e in ELEMENTS if Gst.ElementFactory.find(e) is None]
        if missing:
            raise SystemExit("missing GStreamer elements: " + " ".join(missing))
        return
    if len(sys.argv) != 4:
        raise SystemExit("usage: rtsp_server.py FILE PORT MOUNT")
    path, port, mount = os.path.abspath(sys.argv[1]), int(sys.argv[2]), sys.argv[3].strip("/")
    if not os.path.isfile(path):
        raise SystemExit("no such file: " + path)
    Gst.init(None)

    server = GstRtspServer.RTSPServer()
    # Loopback for tests; the camera simulator container sets RTSP_BIND_ADDRESS=0.0.0.0.
    address = os.environ.get("RTSP_BIND_ADDRESS", "127.0.0.1")
    server.set_address(address)
    server.set_service(str(port))
    server.get_mount_points().add_factory("/" + mount, ClipFactory(path))
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
