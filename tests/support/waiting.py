"""One way for tests to wait: poll a condition until it holds or a deadline passes.

    wait_until(lambda: path.exists(), timeout=10, what=f"{path} to appear")
    state = wait_until(lambda: sim.state() if sim.state()["jobs"] else None, what="a job")

``wait_until`` returns the condition's first truthy value; on timeout it raises :class:`WaitTimeout`
(a ``TimeoutError`` and an ``AssertionError``, so a test failure reads as one) naming ``what`` and the
last value seen. The poll interval starts short and doubles up to ``max_interval``: fast when the
condition is almost met, gentle on the CPU when it is not.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class WaitTimeout(TimeoutError, AssertionError):
    """The condition did not hold within the timeout."""


def wait_until(
    condition: Callable[[], T | None],
    *,
    timeout: float = 10.0,
    what: str = "the condition",
    interval: float = 0.01,
    max_interval: float = 0.2,
    describe: Callable[[], object] | None = None,
) -> T:
    """Call ``condition`` until it returns a truthy value (returned), at most ``timeout`` seconds.

    ``describe`` (optional) is called on timeout to add the state seen to the error message.
    """
    deadline = time.monotonic() + timeout
    last: T | None = None
    while True:
        last = condition()
        if last:
            return last
        left = deadline - time.monotonic()
        if left <= 0:
            seen = describe() if describe is not None else last
            raise WaitTimeout(f"waited {timeout} s for {what}; last seen: {seen!r}")
        time.sleep(min(interval, left))
        interval = min(interval * 2, max_interval)


async def wait_until_async(
    condition: Callable[[], T | None], *, timeout: float = 10.0, what: str = "the condition"
) -> T:
    """``wait_until`` for a test running on an event loop: polls without blocking the loop."""
    deadline = time.monotonic() + timeout
    interval = 0.01
    while True:
        last = condition()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise WaitTimeout(f"waited {timeout} s for {what}; last seen: {last!r}")
        await asyncio.sleep(interval)
        interval = min(interval * 2, 0.2)


def read_until(read: Callable[[], T], ok: Callable[[T], bool], *, timeout: float = 20.0) -> T:
    """Call ``read`` until ``ok(value)`` or the timeout; the last value read, whether ok or not.

    For tests that record what they saw (the fault matrix) rather than fail at the first miss.
    """
    holder: list[T] = []

    def reached() -> bool:
        holder[:] = [read()]
        return ok(holder[0])

    with contextlib.suppress(WaitTimeout):
        wait_until(reached, timeout=timeout)
    return holder[0]
