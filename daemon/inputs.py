"""The grammar of every identifier a request carries, checked before anything else happens (issue 21).

A handler's first line names each identifier field and its grammar::

    inputs.check(inputs.VISIT, "visit", request.visit)
    inputs.check(inputs.PERSON_ID, "person_id", request.person_id, optional=True)

A value outside its grammar is refused with ``InvalidInput`` (``INVALID_ARGUMENT``, reason
``invalid_<what>``, ``ErrorInfo.metadata["field"]``) whose message names the field and the rule, never the
value: a name typed into an identifier field must not reach a log line, an error message, an event or a
journal (docs/DESIGN.md principle 5). The grammars are ASCII and as narrow as the identifiers the daemon hands
out (``visits/`` + 32 hex digits, ``p1``, ``filer.name#2``), so a value that passes cannot carry kanji or
kana.

Free text (a 個人番号 purpose note, a staff note on a payment) is not an identifier: ``check_note``
bounds its length and refuses control characters; where it may be kept is the caller's rule
(CONTRIBUTING.md, "Personal data"). Codes and printed labels are checked against their tables
(``check_code``, ``check_label``, ``check_counter``, ``check_title``); the composition root
(``daemon/server.py``) hands each service its municipality's tables.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from .errors import InvalidArgument

_HEX_ID = "[0-9a-f]{32}"


@dataclass(frozen=True)
class Grammar:
    """One identifier's grammar: what it is, its pattern, and the rule said in English and Japanese."""

    what: str  # "visit name": the reason key is invalid_<what with underscores>
    pattern: re.Pattern[str]
    rule: str
    rule_ja: str

    @property
    def reason(self) -> str:
        return "invalid_" + self.what.replace(" ", "_")

    def matches(self, value: str) -> bool:
        return self.pattern.fullmatch(value) is not None


def _resource(what: str, collection: str, id_pattern: str, id_rule: str) -> Grammar:
    return Grammar(
        what,
        re.compile(f"{collection}/{id_pattern}"),
        f"a resource name {collection}/{{{id_rule}}}",
        f"「{collection}/」で始まる名前",
    )


VISIT = _resource("visit name", "visits", _HEX_ID, "32 hex digits")
SESSION = Grammar(  # the bare id is accepted too (daemon/sessions.py)
    "session name", re.compile(f"(?:sessions/)?{_HEX_ID}"), "a resource name sessions/{32 hex digits}",
    "「sessions/」で始まる名前",
)  # fmt: skip
READING = _resource("reading name", "readings", _HEX_ID, "32 hex digits")
CERTIFICATE_REQUEST = _resource("certificate request name", "certificateRequests", _HEX_ID, "32 hex digits")
APPLICATION = _resource("application name", "applications", _HEX_ID, "32 hex digits")
JOB = _resource("job name", "jobs", "[0-9]{1,18}", "number")
DEVICE = Grammar(  # "devices/{slot}" or the bare slot, as daemon/config.py names slots
    "device name", re.compile("(?:devices/)?[a-z][a-z0-9_-]{0,31}"),
    "a resource name devices/{slot}: a lower-case letter, then up to 31 of a-z 0-9 _ -",
    "「devices/」で始まる装置名",
)  # fmt: skip
ORDER_ID = Grammar(
    "order id", re.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"),
    "1-64 ASCII letters, digits, '.', '_' or '-'", "半角英数字と . _ - の64文字以内",
)  # fmt: skip
PAYMENT = Grammar(
    "payment name", re.compile("payments/[A-Za-z0-9][A-Za-z0-9._-]{0,63}"),
    "a resource name payments/{order id}", "「payments/」で始まる名前",
)  # fmt: skip
QUESTION_ID = Grammar(
    "question id", re.compile("[a-z][a-z0-9_]{0,63}"), "lower-case ASCII letters, digits and '_'",
    "質問IDの形式",
)  # fmt: skip
PERSON_ID = Grammar("person id", re.compile("p[0-9]{1,3}"), "p and a number (p1, p2 …)", "「p1」のような番号")
FIELD_KEY = Grammar(
    "field key", re.compile("[a-z][a-z_]{0,31}(?:\\.[a-z][a-z_]{0,31})?(?:#[0-9]{1,3})?"),
    "a form field key like filer.name or subject.name#2", "「subject.name#2」のような項目キー",
)  # fmt: skip
SCREEN_KEY = Grammar(
    "screen key", re.compile("[A-Za-z0-9_-]{1,64}"), "1-64 ASCII letters, digits, '_' or '-'",
    "半角英数字と _ - の64文字以内",
)  # fmt: skip
CHOICE = Grammar(
    "choice", re.compile("[A-Za-z0-9_-]{1,64}"), "one of the question's choices", "選択肢のいずれか"
)
CODE = Grammar(  # fee codes, 利用事務 codes, resolution codes: keys of a table, checked against it next
    "code", re.compile("[a-z][a-z0-9_]{0,63}"), "a code: lower-case ASCII letters, digits and '_'",
    "コードの形式",
)  # fmt: skip
PAGE_TOKEN = Grammar(
    "page token", re.compile("[A-Za-z0-9._-]{1,64}"), "a next_page_token from the previous page",
    "前のページの続き番号",
)  # fmt: skip
# A 職員番号 typed at the console until staff sign in (issue 17): digits, with an optional prefix of up to
# four letters. A name in any script fails it (no digits, or too long).
STAFF_ID = Grammar(
    "staff id", re.compile("(?:[A-Za-z]{1,4}-?)?[0-9]{1,8}"),
    "a staff number: 1-8 digits, optionally after up to 4 ASCII letters (12345, S-0042)",
    "職員番号(数字8桁以内、先頭に英字4文字以内可)",
)  # fmt: skip

MAX_NOTE = 200


class InvalidInput(InvalidArgument):
    """A request field outside its grammar or table; the message names the field, never the value."""

    def __init__(self, field: str, rule: str, *, reason: str, rule_ja: str) -> None:
        super().__init__(
            f"{field}: expected {rule}",
            reason=reason,
            message_ja=f"入力内容に誤りがあります({field}: {rule_ja})。 {field}: expected {rule}.",
        )
        self.metadata = {"field": field}


def check(grammar: Grammar, field: str, value: str, *, optional: bool = False) -> str:
    """``value`` when it is in ``grammar`` (or empty and ``optional``); else ``InvalidInput``."""
    if (optional and value == "") or grammar.matches(value):
        return value
    raise InvalidInput(field, grammar.rule, reason=grammar.reason, rule_ja=grammar.rule_ja)


def check_all(grammar: Grammar, field: str, values: Iterable[str]) -> tuple[str, ...]:
    return tuple(check(grammar, field, value) for value in values)


def check_code(table: Iterable[str], field: str, value: str, *, what: str, what_ja: str) -> str:
    """``value`` when it is a code of ``table`` (a fee code, a 利用事務); else ``InvalidInput``."""
    known = frozenset(table)
    if CODE.matches(value) and value in known:
        return value
    reason = "unknown_" + what.replace(" ", "_")
    raise InvalidInput(field, f"a known {what} ({', '.join(sorted(known))})", reason=reason, rule_ja=what_ja)


_WINDOW = re.compile("(?:(?P<counter>.{1,32}) )?[0-9]{1,2}番窓口")


def check_label(table: Iterable[str], field: str, value: str, *, what: str, what_ja: str) -> str:
    """``value`` when it is empty or one of the printed labels of ``table`` (a brand, a municipality);
    else ``InvalidInput`` (reason ``unknown_<what>``) naming the field, not the value."""
    if value == "" or value in frozenset(table):
        return value
    reason = "unknown_" + what.replace(" ", "_")
    raise InvalidInput(field, f"a known {what} or empty", reason=reason, rule_ja=what_ja)


# A document title may end in a number the daemon prints: a reception id (20250909-SHIMIN-0042) or a serial.
_TITLE = re.compile("(?P<title>[^ ].*?)(?: [0-9]{4,8}(?:-[A-Z0-9-]{1,12}-[0-9]{1,6})?)?")


def check_title(titles: Iterable[str], field: str, value: str) -> str:
    """A print job's title: empty, or a known document title (a form of the catalog, a checklist, a
    receipt), optionally followed by a space and a reception number; else ``InvalidInput`` ``unknown_title``.
    A name fails it: it is no title, and the number is digits (with the counter's upper-case code)."""
    known = frozenset(titles)
    match = _TITLE.fullmatch(value)
    if value in known or (match is not None and match.group("title") in known):
        return value
    return check_label(known, field, value, what="title", what_ja="様式の題名(例: 出生届)")


def check_counter(counters: Iterable[str], field: str, value: str) -> str:
    """A counter printed on a receipt: one the municipality configures (市民課), a window (1番窓口), or
    both (市民課 1番窓口); empty is fine. Anything else (a name) is ``InvalidInput`` ``unknown_counter``."""
    known = frozenset(counters)
    window = _WINDOW.fullmatch(value)
    if window is not None and window.group("counter") in (None, *known):
        return value
    return check_label(known, field, value, what="counter", what_ja="市の窓口名(例: 市民課 1番窓口)")


def check_note(field: str, value: str) -> str:
    """A free-text note: at most ``MAX_NOTE`` characters, no control characters; returned stripped.

    The note may hold a name (staff write 「鷲尾様」): the caller keeps it only where the data rules
    allow names, never in a log line, an event or a journal."""
    note = value.strip()
    if len(note) > MAX_NOTE or any(unicodedata.category(char) in ("Cc", "Cf") for char in note):
        raise InvalidInput(
            field,
            f"at most {MAX_NOTE} characters, no control characters",
            reason="invalid_note",
            rule_ja=f"{MAX_NOTE}文字以内、制御文字なし",
        )
    return note


def rejected_field(error: grpc.RpcError) -> str:
    """Client side: the request field an ``InvalidInput`` refusal names ("" when it names none)."""
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    for detail in status.details if status is not None else ():
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return str(info.metadata.get("field", ""))
    return ""
