"""A small, safe expression language for procedure triggers (no ``eval``).

Grammar (keywords are lower case; names are dotted: ``person.age``, ``household.dogs``, ``muni.x``)::

    expr       := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | comparison
    comparison := atom (("==" | "!=" | "<" | "<=" | ">" | ">=") atom)*     # chains: 20<=person.age<60
    atom       := INTEGER | 'string' | true | false | always | NAME | "(" expr ")"

Values are ``bool``, ``int``, ``str`` and ``None`` (a fact the resident answered 「わからない」);
ordering works on integers only; ``and``/``or``/``not`` need booleans. ``None`` follows three-valued
(Kleene) logic: ``false and unknown`` is false, ``true or unknown`` is true, any other use of an unknown
gives unknown, so a trigger can end up *unknown* (「該当する場合」) rather than silently false.
Every failure, while parsing or evaluating, raises ``ConditionError`` and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from frontyard.errors import ConditionError

Value = bool | int | str | None
Resolver = Callable[[str], Value]

_TOKEN = re.compile(
    r"\s*(?:(?P<int>\d+)|(?P<str>'[^'\\]*')|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"
    r"|(?P<op>==|!=|<=|>=|<|>)|(?P<paren>[()]))"
)
_KEYWORDS = frozenset({"and", "or", "not", "true", "false", "always"})
_MAX_LENGTH = 500


@dataclass(frozen=True)
class Literal:
    value: Value


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Not:
    operand: Expr


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Compare:
    operands: tuple[Expr, ...]
    ops: tuple[str, ...]


Expr = Literal | Name | Not | BoolOp | Compare


def _tokenize(text: str) -> list[tuple[str, str]]:
    if len(text) > _MAX_LENGTH:
        raise ConditionError(f"condition longer than {_MAX_LENGTH} characters")
    tokens: list[tuple[str, str]] = []
    position = 0
    stripped_end = len(text.rstrip())
    while position < stripped_end:
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ConditionError(f"unexpected character at position {position}")
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "name" and value in _KEYWORDS:
            kind = "kw"
        tokens.append((kind, value))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self._tokens = tokens
        self._index = 0
        self._depth = 0

    def _peek(self) -> tuple[str, str] | None:
        return self._tokens[self._index] if self._index < len(self._tokens) else None

    def _take(self) -> tuple[str, str]:
        token = self._peek()
        if token is None:
            raise ConditionError("unexpected end of condition")
        self._index += 1
        return token

    def parse(self) -> Expr:
        if not self._tokens:
            raise ConditionError("empty condition")
        expr = self._bool("or")
        if self._peek() is not None:
            raise ConditionError(f"unexpected token at {self._index}")
        return expr

    def _bool(self, op: str) -> Expr:
        parts = [self._bool("and") if op == "or" else self._not()]
        while self._peek() == ("kw", op):
            self._take()
            parts.append(self._bool("and") if op == "or" else self._not())
        return parts[0] if len(parts) == 1 else BoolOp(op, tuple(parts))

    def _not(self) -> Expr:
        if self._peek() == ("kw", "not"):
            self._take()
            return Not(self._not())
        return self._comparison()

    def _comparison(self) -> Expr:
        operands = [self._atom()]
        ops: list[str] = []
        while (token := self._peek()) is not None and token[0] == "op":
            ops.append(self._take()[1])
            operands.append(self._atom())
        return operands[0] if not ops else Compare(tuple(operands), tuple(ops))

    def _atom(self) -> Expr:
        kind, value = self._take()
        if kind == "int":
            return Literal(int(value))
        if kind == "str":
            return Literal(value[1:-1])
        if kind == "name":
            return Name(value)
        if kind == "kw" and value in ("true", "always"):
            return Literal(True)
        if kind == "kw" and value == "false":
            return Literal(False)
        if (kind, value) == ("paren", "("):
            self._depth += 1
            if self._depth > 32:
                raise ConditionError("condition nested too deeply")
            inner = self._bool("or")
            if self._take() != ("paren", ")"):
                raise ConditionError("missing closing parenthesis")
            self._depth -= 1
            return inner
        raise ConditionError(f"unexpected token at {self._index - 1}")


def parse(text: str) -> Expr:
    """Parse a trigger expression; raise ``ConditionError`` when it is not valid."""
    if not isinstance(text, str):
        raise ConditionError("condition must be text")
    return _Parser(_tokenize(text)).parse()


def names(expr: Expr) -> frozenset[str]:
    """Every fact name the expression reads."""
    if isinstance(expr, Name):
        return frozenset({expr.name})
    if isinstance(expr, Literal):
        return frozenset()
    if isinstance(expr, Not):
        return names(expr.operand)
    found: frozenset[str] = frozenset()
    for operand in expr.operands:
        found |= names(operand)
    return found


def _compare(op: str, left: Value, right: Value) -> bool | None:
    if left is None or right is None:
        return None
    if op == "==":
        return type(left) is type(right) and left == right
    if op == "!=":
        return not (type(left) is type(right) and left == right)
    if type(left) is not int or type(right) is not int:
        raise ConditionError(f"ordering '{op}' needs integers")
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]


def _as_bool(value: Value) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise ConditionError("a boolean was expected")
    return value


def _all(values: list[bool | None]) -> bool | None:
    if False in values:
        return False
    return None if None in values else True


def evaluate(expr: Expr, resolve: Resolver) -> Value:
    """Evaluate ``expr``; ``resolve`` maps a name to its value or raises ``ConditionError``."""
    if isinstance(expr, Literal):
        return expr.value
    if isinstance(expr, Name):
        return resolve(expr.name)
    if isinstance(expr, Not):
        inner = _as_bool(evaluate(expr.operand, resolve))
        return None if inner is None else not inner
    if isinstance(expr, BoolOp):
        decisive = expr.op != "and"  # false decides an "and", true an "or"
        unknown = False
        for operand in expr.operands:  # short-circuit on the deciding value, as Python does
            part = _as_bool(evaluate(operand, resolve))
            if part is decisive:
                return decisive
            unknown = unknown or part is None
        return None if unknown else not decisive
    values = [evaluate(operand, resolve) for operand in expr.operands]
    return _all([_compare(op, values[i], values[i + 1]) for i, op in enumerate(expr.ops)])


def truth(expr: Expr, resolve: Resolver) -> bool | None:
    """Evaluate a trigger to true, false or None (unknown: a fact it needs is unknown)."""
    value = evaluate(expr, resolve)
    if value is not None and not isinstance(value, bool):
        raise ConditionError("a boolean was expected")
    return value


def holds(expr: Expr, resolve: Resolver) -> bool:
    """Evaluate a trigger that must give a boolean; unknown counts as not holding."""
    return truth(expr, resolve) is True
