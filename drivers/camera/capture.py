"""Document camera capture with OpenCV ``VideoCapture``.

URI formats::

    v4l2:///dev/video0?width=1920&height=1080&settle=5&burst=3   V4L2 (UVC) camera, MJPG at that size
    http://127.0.0.1:8080/stream.mjpg                             MJPEG over HTTP (FFMPEG backend)
    images:///fixtures/doc_%03d.png                               an image sequence (CAP_IMAGES)

| feature                         | v4l2 | http | images |
|---------------------------------|------|------|--------|
| MJPG fourcc set before the size | yes  | –    | –      |
| frame size checked on open      | yes  | yes  | yes    |
| settle frames, sharpest of burst| yes  | yes  | yes    |
| open/read deadline              | yes  | yes  | yes    |
| fresh frames for each operation | drop the kernel queue | new connection | – |

One grabber thread owns the ``VideoCapture``: it keeps grabbing, and decodes a frame only when a caller
asks. A caller waits for the next frame with a deadline; a camera that stops answering raises
``CameraOffline`` (a ``DeviceUnavailable``) within ``read_timeout_s``, never hangs.

Freshness: a still, a QR scan and a health check must show what lies on the stand *now*. A network stream
buffers whatever the reader has not consumed (socket buffers on both ends, seconds of frames once the
reader is slower than the camera, e.g. on a loaded machine), and no client can tell a buffered frame from a
live one. So each of those operations opens a new connection and closes it afterwards (~0.3 s), and an
idle daemon decodes nothing. A V4L2 camera queues at most a few frames in the kernel (``BUFFERSIZE`` 1
where the driver allows it): a still drops more frames than the queue holds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import cv2
import numpy as np

from drivers.base import DeviceHealth, DeviceKind, DriverInfo, parse_device_uri
from drivers.camera.engines import EngineChoice
from drivers.camera.errors import CameraOffline
from drivers.camera.geometry import Image, sharpest
from drivers.camera.qr import QrCode, QrReader
from drivers.camera.reading import DocumentReading, read_document

_LOGGER = logging.getLogger(__name__)
SCHEMES = ("v4l2", "http", "https", "images")
NETWORK_SCHEMES = ("http", "https")
DRIVER = DriverInfo(
    name="opencv-camera",
    kind=DeviceKind.CAMERA,
    schemes=SCHEMES,
    summary="document camera via OpenCV VideoCapture (V4L2, MJPEG over HTTP, image sequence)",
)


@dataclass(frozen=True)
class CaptureSettings:
    width: int = 1920
    height: int = 1080
    settle_frames: int = 1  # frames dropped while autofocus and exposure settle
    burst: int = 3  # frames grabbed; the sharpest is kept
    open_timeout_s: float = 3.0
    read_timeout_s: float = 2.0


class _Grabber(threading.Thread):
    """Owns the capture: grabs continuously, retrieves (decodes) only on request, releases on exit."""

    def __init__(self, capture: cv2.VideoCapture) -> None:
        super().__init__(name="camera-grabber", daemon=True)
        self._capture = capture
        self._cond = threading.Condition()
        self._stop_event = threading.Event()
        self._wanted = 0
        self._sequence = 0
        self._frame: Image | None = None
        self.failed = False

    def run(self) -> None:
        try:
            while not self._stop_event.is_set():
                grabbed = self._capture.grab()
                with self._cond:
                    if not grabbed:
                        self.failed = True
                        self._cond.notify_all()
                        return
                    if self._wanted:
                        ok, frame = self._capture.retrieve()
                        if ok and frame is not None:
                            self._frame, self._sequence = (
                                np.asarray(frame, dtype=np.uint8),
                                self._sequence + 1,
                            )
                        else:
                            self.failed = True
                        self._cond.notify_all()
        except cv2.error:
            with self._cond:
                self.failed = True
                self._cond.notify_all()
        finally:
            self._capture.release()

    def next_frame(self, timeout: float) -> Image:
        with self._cond:
            target = self._sequence + 1
            self._wanted += 1
            try:
                self._cond.wait_for(lambda: self._sequence >= target or self.failed, timeout)
            finally:
                self._wanted -= 1
            if self._sequence >= target and self._frame is not None:
                return self._frame
        raise CameraOffline("camera stream ended" if self.failed else f"no frame within {timeout:.1f} s")

    def stop(self) -> None:
        self._stop_event.set()


class CameraDevice:
    """A document camera opened from a URI; synchronous, one operation at a time."""

    def __init__(self, uri: str, settings: CaptureSettings | None = None) -> None:
        self.uri = uri
        parsed = parse_device_uri(uri, SCHEMES)
        self._scheme = parsed.scheme
        base = settings or CaptureSettings()
        if parsed.scheme == "v4l2":
            query = parsed.query
            base = CaptureSettings(
                width=int(query.get("width", base.width)),
                height=int(query.get("height", base.height)),
                settle_frames=int(query.get("settle", 5)),
                burst=int(query.get("burst", base.burst)),
                open_timeout_s=base.open_timeout_s,
                read_timeout_s=base.read_timeout_s,
            )
            self._source = parsed.path
        elif parsed.scheme == "images":
            self._source = parsed.path
        else:
            self._source = uri
        self.settings = base
        self._grabber: _Grabber | None = None
        self._frame_size: tuple[int, int] | None = None
        self._queued_frames = 0  # frames a V4L2 driver may hold from before a request
        self._qr = QrReader()

    def __repr__(self) -> str:
        return f"CameraDevice({self.uri!r})"

    def _create_capture(self) -> cv2.VideoCapture:
        settings = self.settings
        if self._scheme == "v4l2":
            capture = cv2.VideoCapture(self._source, cv2.CAP_V4L2)
            capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*"MJPG"))  # before the size
            capture.set(cv2.CAP_PROP_FRAME_WIDTH, settings.width)
            capture.set(cv2.CAP_PROP_FRAME_HEIGHT, settings.height)
            capture.set(cv2.CAP_PROP_AUTOFOCUS, 1)
            capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)
            self._queued_frames = max(int(capture.get(cv2.CAP_PROP_BUFFERSIZE)), 1)
            return capture
        if self._scheme == "images":
            return cv2.VideoCapture(self._source, cv2.CAP_IMAGES)
        params = [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
            int(settings.open_timeout_s * 1000),
            cv2.CAP_PROP_READ_TIMEOUT_MSEC,
            int(settings.read_timeout_s * 1000),
        ]
        return cv2.VideoCapture(self._source, cv2.CAP_FFMPEG, params)

    def open(self) -> None:
        """Open the camera and read one frame; ``CameraOffline`` if that fails within the deadline."""
        if self._grabber is not None and not self._grabber.failed:
            return
        self.close()
        holder: list[cv2.VideoCapture] = []
        opener = threading.Thread(target=lambda: holder.append(self._create_capture()), daemon=True)
        opener.start()
        opener.join(self.settings.open_timeout_s + 1.0)
        if not holder:
            raise CameraOffline(f"camera did not open within {self.settings.open_timeout_s:.1f} s")
        capture = holder[0]
        if not capture.isOpened():
            capture.release()
            raise CameraOffline("camera could not be opened")
        grabber = _Grabber(capture)
        grabber.start()
        self._grabber = grabber
        frame = self._next_frame()
        self._frame_size = (frame.shape[1], frame.shape[0])
        if self._frame_size != (self.settings.width, self.settings.height):
            _LOGGER.warning("camera gives %dx%d, asked for %dx%d", *self._frame_size,
                            self.settings.width, self.settings.height)  # fmt: skip

    def close(self, wait: bool = True) -> None:
        grabber, self._grabber = self._grabber, None
        if grabber is not None:
            grabber.stop()
            if wait:  # a grabber stuck in a dead read releases the capture when it returns
                grabber.join(0.5)

    def read_frame(self) -> Image:
        """The next frame (BGR), opening the camera if needed; ``CameraOffline`` within ``read_timeout_s``
        if none comes."""
        self.open()
        return self._next_frame()

    def _next_frame(self) -> Image:
        grabber = self._grabber
        if grabber is None:
            raise CameraOffline("camera is not open")
        try:
            return grabber.next_frame(self.settings.read_timeout_s)
        except CameraOffline:
            self.close()
            raise

    @contextmanager
    def _live(self) -> Iterator[None]:
        """Frames read inside show the stand now: a network stream gets a new connection (closed after)."""
        if self._scheme not in NETWORK_SCHEMES:
            self.open()
            yield
            return
        self.close()
        self.open()
        try:
            yield
        finally:
            self.close(wait=False)  # the grabber releases the connection after its current grab

    def capture_still(self) -> Image:
        """Drop ``settle_frames`` (and any queued V4L2 frame), grab a burst and keep the sharpest frame."""
        with self._live():
            for _ in range(self._frames_to_drop()):
                self._next_frame()
            return sharpest([self._next_frame() for _ in range(max(self.settings.burst, 1))])

    def _frames_to_drop(self) -> int:
        if self._queued_frames:  # V4L2: the driver's queue may hold frames taken before the request
            return max(self.settings.settle_frames, self._queued_frames + 1)
        return self.settings.settle_frames

    def read_document(self, engine: EngineChoice = EngineChoice.AUTO) -> DocumentReading:
        """Capture a still and read the ID document on the stand (see ``reading.read_document``)."""
        return read_document(self.capture_still(), engine)

    def scan_qr(self) -> list[QrCode]:
        """Decode the QR codes in a frame of the stand now."""
        with self._live():
            return self._qr.decode(self._next_frame())

    def check_health(self) -> DeviceHealth:
        started = time.monotonic()
        with self._live():
            frame = self._next_frame()
        return DeviceHealth(
            ready=True,
            model=f"opencv {self._scheme}",
            detail=f"{frame.shape[1]}x{frame.shape[0]}, frame in {time.monotonic() - started:.2f} s",
        )


def open_device(uri: str, settings: CaptureSettings | None = None) -> CameraDevice:
    """A ``CameraDevice`` for ``uri`` (not yet opened); ``UnknownSchemeError`` for other schemes."""
    return CameraDevice(uri, settings)
