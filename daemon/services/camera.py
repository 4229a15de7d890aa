"""kiosk.v1.CameraService: stills, ID documents read into held readings, and a QR code stream.

Every camera operation runs on the camera slot's worker through ``slot.call`` (one at a time). WatchQr
polls one frame per short operation, without flipping the slot to BUSY, and steps aside while a Capture or
ReadDocument waits, which in turn waits up to ``BUSY_WAIT_S`` for a running QR poll instead of failing
with ``device_busy``. Readings live in the daemon's ``ReadingStore`` (``daemon.camera.store``, built by
``daemon.server.create_server`` and shared with the front-yard service), in memory only. Configuration:
``[options.camera] reading_ttl_s = 600``, ``ocr_engine = "auto"`` (``rapidocr``, ``tesseract``:
``drivers.camera.engines``). OpenCV is imported on first use.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from types import ModuleType
from typing import Any, TypeVar

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from kiosk.v1 import camera_pb2 as pb
from kiosk.v1 import camera_pb2_grpc, events_pb2

from drivers.base import Device, DeviceBusy, DeviceError, DeviceKind, DeviceUnavailable

from .. import inputs
from ..camera.store import HeldReading, ReadingStore
from ..errors import FailedPrecondition, InvalidArgument, NotFound
from ..ports import EventPublisher
from ..registry import DeviceRegistry, DeviceSlot

_LOGGER = logging.getLogger(__name__)
Context = grpc.aio.ServicerContext[Any, Any]
T = TypeVar("T")

QR_OPERATION = "scan_qr"
BUSY_WAIT_S = 3.0
PURGE_EVERY_S = 15.0
DEFAULT_DEDUP_WINDOW_S = 5
MAX_DEDUP_WINDOW_S = 600
DEFAULT_POLL_MS, MIN_POLL_MS, MAX_POLL_MS = 200, 50, 2000

DOC_TYPES = {
    "drivers_licence": pb.DOCUMENT_TYPE_DRIVERS_LICENCE,
    "my_number_card_front": pb.DOCUMENT_TYPE_MY_NUMBER_CARD_FRONT,
}
FIELDS = {
    "name": pb.DOCUMENT_FIELD_NAME,
    "address": pb.DOCUMENT_FIELD_ADDRESS,
    "birth_date": pb.DOCUMENT_FIELD_BIRTH_DATE,
    "licence_number": pb.DOCUMENT_FIELD_LICENCE_NUMBER,
    "expiry_date": pb.DOCUMENT_FIELD_EXPIRY_DATE,
}
ENCODINGS = {"utf-8": pb.QR_ENCODING_UTF8, "shift_jis": pb.QR_ENCODING_SHIFT_JIS}


def _operations() -> ModuleType:
    return importlib.import_module("daemon.camera.operations")


def _timestamp(seconds: float) -> Timestamp:
    stamp = Timestamp()
    stamp.FromNanoseconds(int(seconds * 1e9))
    return stamp


def reading_message(held: HeldReading) -> pb.DocumentReading:
    return pb.DocumentReading(
        name=held.name,
        document_type=DOC_TYPES.get(held.doc_type, pb.DOCUMENT_TYPE_UNSPECIFIED),
        fields=[
            pb.DocumentFieldReading(
                field=FIELDS.get(item.name, pb.DOCUMENT_FIELD_UNSPECIFIED),
                value=item.value,
                confidence=item.confidence,
                needs_confirmation=item.needs_confirmation,
                confirmation_reasons=item.reasons,
            )
            for item in held.fields
        ],
        needs_confirmation=held.needs_confirmation,
        create_time=_timestamp(held.created),
        expire_time=_timestamp(held.expires),
        visit=held.visit,
    )


class CameraService(camera_pb2_grpc.CameraServiceServicer):
    def __init__(
        self, registry: DeviceRegistry, events: EventPublisher, store: ReadingStore, engine: str = "auto"
    ) -> None:
        self.registry = registry
        self.events = events
        self.engine = engine  # a drivers.camera.EngineChoice value ([options.camera] ocr_engine)
        self.store = store
        self._waiting = 0  # Capture / ReadDocument calls waiting for the slot: QR polls step aside

    def _slot(self, name: str) -> DeviceSlot:
        if not inputs.check(inputs.DEVICE, "device", name, optional=True):
            try:
                return self.registry.of_kind(DeviceKind.CAMERA)
            except KeyError:
                raise FailedPrecondition(
                    "no camera is configured", reason="camera_not_configured",
                    message_ja="カメラが設定されていません。",
                ) from None  # fmt: skip
        try:
            slot = self.registry.get(name)
        except KeyError:
            raise NotFound("no device of this name; see ListDevices", reason="device_not_found") from None
        if slot.kind != DeviceKind.CAMERA:
            raise InvalidArgument(f"{slot.name} is not a camera", reason="not_a_camera")
        return slot

    async def _run(self, slot: DeviceSlot, function: Callable[[Device], T], operation: str) -> T:
        """``slot.call`` that waits (bounded) for a QR poll to end instead of failing as busy, and
        reports the operation on the event stream (ids and reason keys only)."""
        operation_id = slot.new_operation_id()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + BUSY_WAIT_S
        self._waiting += 1
        try:
            while True:
                try:
                    result = await slot.call(function, operation=operation)
                    break
                except DeviceBusy:
                    if slot.current_operation != QR_OPERATION or loop.time() >= deadline:
                        raise
                    await asyncio.sleep(0.02)
        except DeviceError as error:
            self._publish_failed(slot, operation_id, error)
            raise
        finally:
            self._waiting -= 1
        self.events.publish(
            events_pb2.Event(
                device=slot.name,
                completed=events_pb2.OperationCompleted(operation_id=operation_id, result=operation),
            )
        )
        return result

    def _publish_failed(self, slot: DeviceSlot, operation_id: str, error: DeviceError) -> None:
        actions = [events_pb2.ERROR_ACTION_RETRY, events_pb2.ERROR_ACTION_CLEAR]
        self.events.publish(
            events_pb2.Event(
                device=slot.name,
                failed=events_pb2.OperationFailed(
                    operation_id=operation_id,
                    reason=error.reason,
                    message_ja=error.message_ja,
                    actions=actions,
                ),
            )
        )

    async def Capture(self, request: pb.CaptureRequest, context: Context) -> pb.CaptureResponse:
        slot = self._slot(request.device)
        capture = functools.partial(_operations().capture_jpeg, engine=self.engine)
        still = await self._run(slot, capture, "capture")
        return pb.CaptureResponse(
            jpeg=still.jpeg, width=still.width, height=still.height, capture_time=_timestamp(time.time())
        )

    async def ReadDocument(self, request: pb.ReadDocumentRequest, context: Context) -> pb.DocumentReading:
        inputs.check(inputs.VISIT, "visit", request.visit, optional=True)
        if request.visit and not request.visit.startswith("visits/"):
            raise InvalidArgument("visit must be a resource name 'visits/{id}'", reason="invalid_visit")
        slot = self._slot(request.device)
        read_fields = functools.partial(_operations().read_fields, engine=self.engine)
        read = await self._run(slot, read_fields, "read_document")
        held = self.store.add(read.doc_type, read.fields, request.visit)
        return reading_message(held)

    async def GetReading(self, request: pb.GetReadingRequest, context: Context) -> pb.DocumentReading:
        inputs.check(inputs.READING, "name", request.name)
        return reading_message(self.store.get(request.name))

    async def DeleteReading(
        self, request: pb.DeleteReadingRequest, context: Context
    ) -> pb.DeleteReadingResponse:
        inputs.check(inputs.READING, "name", request.name)
        self.store.delete(request.name)
        return pb.DeleteReadingResponse()

    async def WatchQr(self, request: pb.WatchQrRequest, context: Context) -> AsyncIterator[pb.QrCodeEvent]:
        window = request.dedup_window_s or DEFAULT_DEDUP_WINDOW_S
        if not 0 < window <= MAX_DEDUP_WINDOW_S:
            raise InvalidArgument(
                f"dedup_window_s must be 1-{MAX_DEDUP_WINDOW_S}", reason="invalid_dedup_window"
            )
        interval = min(max(request.poll_interval_ms or DEFAULT_POLL_MS, MIN_POLL_MS), MAX_POLL_MS) / 1000
        slot = self._slot(request.device)
        operations = _operations()
        watcher = operations.QrWatcher(window_s=float(window))
        while True:
            if self._waiting:
                await asyncio.sleep(interval)
                continue
            try:
                codes = await slot.call(operations.scan_qr, operation=QR_OPERATION, report_busy=False)
            except DeviceBusy:
                await asyncio.sleep(interval)
                continue
            except DeviceUnavailable:
                raise
            except DeviceError as error:  # e.g. qr_decode_error: a code that is not text; keep watching
                _LOGGER.info("QR poll failed", extra={"device": slot.name, "reason": error.reason})
                codes = []
            for code in watcher.offer(codes):
                yield pb.QrCodeEvent(
                    payload=code.payload,
                    encoding=ENCODINGS.get(code.encoding, pb.QR_ENCODING_UNSPECIFIED),
                    detect_time=_timestamp(time.time()),
                    device=slot.name,
                )
            await asyncio.sleep(interval)


class CameraServiceRunner:
    service_names = ("kiosk.v1.CameraService",)

    def __init__(
        self, registry: DeviceRegistry, events: EventPublisher, store: ReadingStore, engine: str = "auto"
    ) -> None:
        self.store = store
        self.servicer = CameraService(registry, events, store, engine)
        self._purge_task: asyncio.Task[None] | None = None

    def add_to_server(self, server: grpc.aio.Server) -> None:
        camera_pb2_grpc.add_CameraServiceServicer_to_server(self.servicer, server)

    async def start(self) -> None:
        """Nothing to recover (readings are never persisted); start dropping expired readings."""
        self._purge_task = asyncio.get_running_loop().create_task(self._purge(), name="camera-readings")

    async def _purge(self) -> None:
        while True:
            await asyncio.sleep(min(PURGE_EVERY_S, self.store.ttl_s))
            self.store.purge()

    async def stop(self) -> None:
        """Forget every reading: they live in memory only."""
        if self._purge_task is not None:
            self._purge_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._purge_task
        self.store.clear()
