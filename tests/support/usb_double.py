"""A pyusb backend double: one USB receipt printer whose OUT endpoint feeds the ESC/POS simulator.

``usb.core.find(backend=UsbPrinterBackend(...))`` sees one device (vendor:product) with one printer
interface (class 07) and two bulk endpoints (OUT 0x01, IN 0x82). Bytes written to OUT go through the
simulator's own ``StreamParser`` and ``PrinterModel``; the status replies they produce (``DLE EOT n``)
are read back on IN. The driver shares no code with any of this.

Faults, as a real bus shows them: ``unplug()`` makes every call fail with ENODEV and the device vanish
from enumeration until ``replug()``; ``deny_access`` makes opening fail with EACCES (no udev rule);
``claimed`` makes claiming the interface fail with EBUSY (CUPS holds it); ``unplug_after_bytes``
unplugs in the middle of a write.
"""

from __future__ import annotations

import array
import errno
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import usb.backend
import usb.core

from simulators.escpos_printer.model import PrinterModel
from simulators.escpos_printer.parser import StreamParser

OUT_EP = 0x01
IN_EP = 0x82


@dataclass
class _Descriptor:
    """Field bag: pyusb reads descriptors as attributes."""

    fields: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.fields[name]
        except KeyError:
            raise AttributeError(name) from None


def _usb_error(code: int, text: str) -> usb.core.USBError:
    return usb.core.USBError(text, error_code=-code, errno=code)


class UsbPrinterBackend(usb.backend.IBackend):  # type: ignore[misc]
    def __init__(self, state_dir: Path, vendor: int = 0x04B8, product: int = 0x0E28) -> None:
        super().__init__()
        self.vendor = vendor
        self.product = product
        self.model = PrinterModel(state_dir)
        self.parser = StreamParser()
        self.replies = bytearray()
        self.plugged = True
        self.generation = 1  # a replugged device gets a new address, like on a real bus
        self.deny_access = False
        self.claimed = False
        self.kernel_driver_active = True
        self.detached = 0
        self.unplug_after_bytes: int | None = None
        self.received = 0
        self.open_handles = 0

    # ---- test controls -----------------------------------------------------------------------------
    def unplug(self) -> None:
        self.plugged = False

    def replug(self) -> None:
        self.plugged = True
        self.generation += 1
        self.parser = StreamParser()
        self.replies.clear()

    # ---- enumeration and descriptors ---------------------------------------------------------------
    def enumerate_devices(self) -> list[int]:
        return [self.generation] if self.plugged else []

    def _check(self, handle: int) -> None:
        if not self.plugged or handle != self.generation:
            raise _usb_error(errno.ENODEV, "No such device (it may have been disconnected)")

    def get_device_descriptor(self, dev: int) -> _Descriptor:
        return _Descriptor(
            {
                "bLength": 18, "bDescriptorType": 1, "bcdUSB": 0x0200, "bDeviceClass": 0,
                "bDeviceSubClass": 0, "bDeviceProtocol": 0, "bMaxPacketSize0": 64,
                "idVendor": self.vendor, "idProduct": self.product, "bcdDevice": 0x0100,
                "iManufacturer": 0, "iProduct": 0, "iSerialNumber": 0, "bNumConfigurations": 1,
                "address": dev, "bus": 1, "port_number": 1, "port_numbers": (1,), "speed": 3,
            }
        )  # fmt: skip

    def get_configuration_descriptor(self, dev: int, config: int) -> _Descriptor:
        return _Descriptor(
            {
                "bLength": 9, "bDescriptorType": 2, "wTotalLength": 32, "bNumInterfaces": 1,
                "bConfigurationValue": 1, "iConfiguration": 0, "bmAttributes": 0xC0, "bMaxPower": 1,
                "extra_descriptors": [],
            }
        )  # fmt: skip

    def get_interface_descriptor(self, dev: int, intf: int, alt: int, config: int) -> _Descriptor:
        if intf != 0 or alt != 0:
            raise IndexError("no such interface")
        return _Descriptor(
            {
                "bLength": 9, "bDescriptorType": 4, "bInterfaceNumber": 0, "bAlternateSetting": 0,
                "bNumEndpoints": 2, "bInterfaceClass": 7, "bInterfaceSubClass": 1,
                "bInterfaceProtocol": 2, "iInterface": 0, "extra_descriptors": [],
            }
        )  # fmt: skip

    def get_endpoint_descriptor(self, dev: int, ep: int, intf: int, alt: int, config: int) -> _Descriptor:
        address = (OUT_EP, IN_EP)[ep]
        return _Descriptor(
            {
                "bLength": 7, "bDescriptorType": 5, "bEndpointAddress": address, "bmAttributes": 2,
                "wMaxPacketSize": 64, "bInterval": 0, "bRefresh": 0, "bSynchAddress": 0,
                "extra_descriptors": [],
            }
        )  # fmt: skip

    # ---- opening -----------------------------------------------------------------------------------
    def open_device(self, dev: int) -> int:
        if self.deny_access:
            raise _usb_error(errno.EACCES, "Access denied (insufficient permissions)")
        self._check(dev)
        self.open_handles += 1
        return dev

    def close_device(self, dev_handle: int) -> None:
        self.open_handles -= 1

    def set_configuration(self, dev_handle: int, config_value: int) -> None:
        self._check(dev_handle)

    def get_configuration(self, dev_handle: int) -> int:
        self._check(dev_handle)
        return 1

    def is_kernel_driver_active(self, dev_handle: int, intf: int) -> bool:
        self._check(dev_handle)
        return self.kernel_driver_active

    def detach_kernel_driver(self, dev_handle: int, intf: int) -> None:
        self.kernel_driver_active = False
        self.detached += 1

    def claim_interface(self, dev_handle: int, intf: int) -> None:
        self._check(dev_handle)
        if self.claimed:
            raise _usb_error(errno.EBUSY, "Resource busy")

    def release_interface(self, dev_handle: int, intf: int) -> None:
        self._check(dev_handle)

    # ---- transfers ---------------------------------------------------------------------------------
    def bulk_write(self, dev_handle: int, ep: int, intf: int, data: array.array[int], timeout: int) -> int:
        self._check(dev_handle)
        chunk = bytes(data)
        if self.unplug_after_bytes is not None and self.received + len(chunk) > self.unplug_after_bytes:
            accepted = max(0, self.unplug_after_bytes - self.received)
            self._feed(chunk[:accepted])
            self.unplug()
            raise _usb_error(errno.ENODEV, "No such device (it may have been disconnected)")
        self._feed(chunk)
        return len(chunk)

    def _feed(self, chunk: bytes) -> None:
        self.received += len(chunk)
        for command in self.parser.feed(chunk):
            self.replies += self.model.apply(command)

    def bulk_read(self, dev_handle: int, ep: int, intf: int, buff: array.array[int], timeout: int) -> int:
        self._check(dev_handle)
        if not self.replies:
            raise usb.core.USBTimeoutError("Operation timed out", error_code=-7, errno=errno.ETIMEDOUT)
        count = min(len(buff), len(self.replies))
        buff[:count] = array.array("B", self.replies[:count])
        del self.replies[:count]
        return count

    def clear_halt(self, dev_handle: int, ep: int) -> None:
        self._check(dev_handle)
