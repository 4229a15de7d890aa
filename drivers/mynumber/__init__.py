"""My Number card driver: ``open_device("pcsc://Virtual%20PCD")`` → :class:`MyNumberCardReader`."""

from drivers.mynumber.card import DRIVER, MyNumberCardReader, open_device
from drivers.mynumber.jpki import AuthResult, CertificateInfo
from drivers.mynumber.model import CardStatus, PinKind, ReaderEvent, ReaderEventKind
from drivers.mynumber.text_ap import BasicInfo, Sex

__all__ = [
    "DRIVER",
    "AuthResult",
    "BasicInfo",
    "CardStatus",
    "CertificateInfo",
    "MyNumberCardReader",
    "PinKind",
    "ReaderEvent",
    "ReaderEventKind",
    "Sex",
    "open_device",
]
