"""``frontyard-card``: look at a My Number card from the command line (staff diagnostics).

Subcommands: ``readers``, ``status``, ``pin-status``, ``read-basic`` (PIN via getpass, no echo),
``cert-info``. Errors are printed in Japanese and English with their reason key; the 個人番号 is never
printed (this tool does not read it).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Callable

from drivers.base import DeviceError
from drivers.mynumber.card import MyNumberCardReader, open_device
from drivers.mynumber.model import PinKind

_LOGGER = logging.getLogger(__name__)
DEFAULT_URI = "pcsc://"

_SEX_JA = {"0": "不明", "1": "男", "2": "女", "9": "適用不能"}


def _readers(reader: MyNumberCardReader, args: argparse.Namespace) -> None:
    names = reader.list_readers()
    print("\n".join(names) if names else "カードリーダーがありません / no readers")


def _status(reader: MyNumberCardReader, args: argparse.Namespace) -> None:
    print(f"card: {reader.card_status().value}")


def _pin_status(reader: MyNumberCardReader, args: argparse.Namespace) -> None:
    for kind in PinKind:
        tries = reader.pin_tries_left(kind)
        state = "ロック / blocked" if tries == 0 else f"あと{tries}回 / {tries} tries left"
        print(f"{kind.value:5} {state}")


def _read_basic(reader: MyNumberCardReader, args: argparse.Namespace) -> None:
    tries = reader.pin_tries_left(PinKind.TEXT)
    print(f"券面事項入力補助用暗証番号 (4桁): あと{tries}回 / {tries} tries left", file=sys.stderr)
    pin = bytearray(getpass.getpass("暗証番号 / PIN: ").encode("ascii", errors="replace"))
    try:
        info = reader.read_basic_info(pin)
    finally:
        pin[:] = bytes(len(pin))
    print(f"氏名 / name:       {info.name}")
    print(f"住所 / address:    {info.address}")
    print(f"生年月日 / birth:  {info.birth_date.isoformat()}")
    print(f"性別 / sex:        {_SEX_JA.get(info.sex.value, info.sex.value)}")


def _cert_info(reader: MyNumberCardReader, args: argparse.Namespace) -> None:
    cert = reader.read_auth_certificate()
    print(f"subject:    {cert.subject}")
    print(f"issuer:     {cert.issuer}")
    print(f"serial:     {cert.serial:X}")
    print(f"valid:      {cert.not_before:%Y-%m-%d} .. {cert.not_after:%Y-%m-%d}")
    print(f"key:        RSA-{cert.key_bits}")


COMMANDS: dict[str, tuple[Callable[[MyNumberCardReader, argparse.Namespace], None], str]] = {
    "readers": (_readers, "list the PC/SC readers pcscd knows"),
    "status": (_status, "is there a card, and is it a My Number card (no PIN)"),
    "pin-status": (_pin_status, "tries left for the text, auth and sign PINs (consumes no try)"),
    "read-basic": (_read_basic, "read 基本4情報 after the 4-digit PIN (asked without echo)"),
    "cert-info": (_cert_info, "show the 利用者証明用 certificate (no PIN; holds no personal data)"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="frontyard-card",
        description="My Number card (マイナンバーカード) diagnostics over PC/SC (pcscd).",
        epilog="example: frontyard-card --uri 'pcsc://Virtual%%20PCD' read-basic",
    )
    parser.add_argument(
        "--uri", default=DEFAULT_URI, help="reader as pcsc://<name pattern> (default: the first reader)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="APDU trace on stderr (secrets masked)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        commands.add_parser(name, help=help_text, description=help_text)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, stream=sys.stderr)
    try:
        reader = open_device(args.uri)
    except ValueError as exc:
        print(f"URI が正しくありません / bad URI: {exc}", file=sys.stderr)
        return 2
    try:
        COMMANDS[args.command][0](reader, args)
    except DeviceError as exc:
        print(f"エラー: {exc.message_ja}\nerror ({exc.reason}): {exc}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, EOFError):
        print("\n中断しました / cancelled", file=sys.stderr)
        return 130
    finally:
        reader.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
