"""The scenarios of docs/protocol.md (section 10) for the Python runtime, sync and asyncio.

Usage: run_scenario.py [--async] NAME. Environment: ZRPC_ENDPOINT (the server the Rust test started
for this scenario), ZRPC_HEARTBEAT (client heartbeat, default 1), ZRPC_CURVE_SERVER_KEY,
ZRPC_CURVE_PUBLIC_KEY, ZRPC_CURVE_SECRET_KEY. Prints "ok NAME" or exits non-zero. The generated
`calculator` and `scenarios` packages and the `zrpc` runtime must be on PYTHONPATH.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import sys
import time
from typing import Any, Callable

import calculator
import scenarios
import zrpc

ENDPOINT = os.environ["ZRPC_ENDPOINT"]
HEARTBEAT = float(os.environ.get("ZRPC_HEARTBEAT", "1"))
CURVE = {
    key: os.environ.get(f"ZRPC_{key.upper()}")
    for key in ("curve_server_key", "curve_public_key", "curve_secret_key")
}
ASYNC = "--async" in sys.argv


def check(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(what)


def client(module: Any = calculator, **options: Any) -> Any:
    """A sync client, or an asyncio one whose methods are run to completion here."""
    options.setdefault("heartbeat", HEARTBEAT)
    for key, value in CURVE.items():
        if value:
            options.setdefault(key, value)
    if not ASYNC:
        return module.CalculatorClient(ENDPOINT, **options)
    return Blocking(module.AsyncCalculatorClient(ENDPOINT, **options))


class Blocking:
    """Runs the coroutines of an async client one by one on one event loop."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.loop = asyncio.new_event_loop()

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self.inner, name)

        def run(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, **kwargs)
            if inspect.isasyncgen(result):
                return self.loop.run_until_complete(collect(result))
            return self.loop.run_until_complete(result)

        return run


async def collect(items: Any) -> list[Any]:
    return [item async for item in items]


def raises(kind: type[BaseException], call: Callable[[], Any]) -> tuple[BaseException, float]:
    started = time.monotonic()
    try:
        result = call()
        if inspect.isgenerator(result):
            list(result)
    except kind as error:
        return error, time.monotonic() - started
    raise AssertionError(f"expected {kind.__name__}")


def unreachable() -> None:
    error, took = raises(zrpc.UnreachableError, lambda: client(timeout=2).add(1, 2))
    check(1.5 <= took < 3, f"unreachable after {took:.2f}s")
    check(ENDPOINT in str(error) and "add" in str(error), str(error))


def timeout() -> None:
    c = client(timeout=1)
    error, took = raises(zrpc.TimeoutExpired, lambda: c.sleep(5000))
    check(0.9 <= took < 2, f"timed out after {took:.2f}s")
    check("sleep" in str(error) and "channel" not in str(error), str(error))
    check(c.add(1, 2) == 3, "usable after a timeout")


def lost_remote() -> None:
    # The Rust test kills the server 4 s after starting this driver (2 s or more into the call,
    # after two server heartbeats showed its 1 s interval).
    error, took = raises(zrpc.LostRemoteError, lambda: client(timeout=30).sleep(20000))
    check(took < 4 + 2 * HEARTBEAT + 1.5, f"lost after {took:.2f}s")
    check("sleep" in str(error), str(error))


def remote_error_typed() -> None:
    error, _ = raises(calculator.DivisionByZero, lambda: client().divide(1, 0))
    check(isinstance(error, zrpc.RemoteError) and error.dividend == 1.0, repr(error))


def remote_error_untyped() -> None:
    error, _ = raises(zrpc.RemoteError, lambda: client(scenarios).divide(1, 0))
    check(type(error) is zrpc.RemoteError and error.name == "DivisionByZero", repr(error))


def unknown_method() -> None:
    error, _ = raises(zrpc.UnknownMethodError, lambda: client(scenarios).no_such_method())
    check(isinstance(error, zrpc.RemoteError) and error.name == "NameError", repr(error))


def wrong_result_type() -> None:
    error, _ = raises(zrpc.ProtocolError, lambda: client(scenarios).divide(1, 2))
    check("divide" in str(error), str(error))


def call_after_close() -> None:
    c = client()
    check(c.add(1, 2) == 3, "add")
    c.close()
    c.close()
    raises(zrpc.ClientClosedError, lambda: c.add(1, 2))


def optional_args_default() -> None:
    c = client(scenarios)
    method = c.inner.echo_bytes if ASYNC else c.echo_bytes
    data = next(iter(inspect.signature(method).parameters.values()))  # `data` (maybe escaped)
    check(data.default is None, "data defaults to None")
    # The request carries nil: the server, whose echo_bytes needs bytes, says so.
    error, _ = raises(zrpc.RemoteError, lambda: c.echo_bytes())
    check(error.name == "TypeError" and "data" in error.message, repr(error))


def per_call_timeout() -> None:
    c = client(timeout=30)
    _, took = raises(zrpc.TimeoutExpired, lambda: c.sleep(3000, timeout=0.5))
    check(0.4 <= took < 1.5, f"timed out after {took:.2f}s")


def stream() -> None:
    items = client().countdown(1000)
    check(list(items) == list(range(1000, 0, -1)), "1000 items in order")


def long_call() -> None:
    check(client(timeout=10).sleep(3500) == 3500, "long call")


def heartbeat_mismatch() -> None:
    check(client(timeout=60).sleep(30000) == 30000, "30 s call")


def undecodable_reply() -> None:
    # The fake server answers garbage first, then OK [3].
    check(client(timeout=5).add(1, 2) == 3, "garbage dropped")


def malformed_reply() -> None:
    error, _ = raises(zrpc.ProtocolError, lambda: client(timeout=5).add(1, 2))
    check("add" in str(error), str(error))


def async_reuse() -> None:
    """An async client used again under a second asyncio.run does not hang."""
    c = calculator.AsyncCalculatorClient(ENDPOINT, timeout=5, heartbeat=HEARTBEAT)
    check(asyncio.run(c.add(1, 2)) == 3, "first loop")
    started = time.monotonic()
    check(asyncio.run(c.add(2, 3)) == 5, "second loop")
    check(time.monotonic() - started < 2, "second loop is quick")
    asyncio.run(c.close())


def curve_allowed() -> None:
    check(client(timeout=5).add(1, 2) == 3, "CURVE call")


def curve_refused() -> None:
    _, took = raises(zrpc.UnreachableError, lambda: client(timeout=2).add(1, 2))
    check(took < 3, f"refused after {took:.2f}s")


SCENARIOS: dict[str, Callable[[], None]] = {
    "unreachable": unreachable,
    "timeout": timeout,
    "lost_remote": lost_remote,
    "remote_error_typed": remote_error_typed,
    "remote_error_untyped": remote_error_untyped,
    "unknown_method": unknown_method,
    "wrong_result_type": wrong_result_type,
    "call_after_close": call_after_close,
    "optional_args_default": optional_args_default,
    "per_call_timeout": per_call_timeout,
    "stream": stream,
    "long_call": long_call,
    "heartbeat_mismatch": heartbeat_mismatch,
    "undecodable_reply": undecodable_reply,
    "malformed_reply": malformed_reply,
    "async_reuse": async_reuse,
    "curve_allowed": curve_allowed,
    "curve_unknown_key": curve_refused,
    "curve_wrong_server_key": curve_refused,
    "curve_none": curve_refused,
}

if __name__ == "__main__":
    name = sys.argv[-1]
    SCENARIOS[name]()
    print(f"ok {name}")
