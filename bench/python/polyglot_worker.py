"""The Python side of `polyglot-bench`: calls/s of `add(i, 1)` against one zrpc server.

python polyglot_worker.py ENDPOINT

The generated `calculator` package and the `zrpc` runtime must be importable (PYTHONPATH);
polyglot-bench starts this with both. Setups, each measured for the seconds the driver asks:
  python raw pyzmq                a bare DEALER sending pre-encoded request frames, 1 in flight
  python sync client              calculator.CalculatorClient, 1 in flight
  python asyncio client, 1 in flight   calculator.AsyncCalculatorClient, one call at a time
  python asyncio client, 64 in flight  the same client, 64 tasks calling at once
Line protocol on stdin/stdout: prints `ready` after a warm-up; for each line `SECONDS FLIP`
measures every setup for SECONDS in alternating slices (starting in reverse order when FLIP is
1) and prints `SETUP<TAB>CALLS_PER_S<TAB>CPU_US_PER_CALL` lines (CPU time of this process,
libzmq's I/O thread included), then `end`. Exits at end of input.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable

import calculator
import zmq

IN_FLIGHT = 64
# Each measurement is cut into slices, the setups alternating slice by slice (ABBA), so a load
# change on a shared machine hits every setup alike.
SLICES = 5


class RawPyzmq:
    """The floor: request frames built from fixed bytes and a counter, replies not decoded."""

    # [{"message_id": bin 32, "v": 3}, "add", [i, 1]] with the id's first 8 digits counting.
    HEAD = b"\x93\x82\xaamessage_id\xc4\x20"
    TAIL = b"\xa1v\x03\xa3add\x92\x01\x01"
    REPLY_END = b"\x91\x02"

    def __init__(self, endpoint: str) -> None:
        self.socket = zmq.Context.instance().socket(zmq.DEALER)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.connect(endpoint)
        self.suffix = os.urandom(12).hex().encode("ascii")
        self.counter = 0

    def call(self) -> bytes:
        self.counter = (self.counter + 1) & 0xFFFFFFFF
        request = self.HEAD + b"%08x" % self.counter + self.suffix + self.TAIL
        self.socket.send_multipart((b"", request))
        return self.socket.recv_multipart()[-1]


def rate_sync(call: Callable[[], object], seconds: float) -> tuple[int, float]:
    """(calls, seconds taken) of sequential calls for about ``seconds``."""
    calls = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        # Read the clock every 50 calls so timing costs little.
        for _ in range(50):
            call()
        calls += 50
        now = time.perf_counter()
        if now >= deadline:
            return calls, now - start


async def rate_async(
    call: Callable[[int], Awaitable[int]], seconds: float, in_flight: int
) -> tuple[int, float]:
    """(calls, seconds taken) of ``in_flight`` concurrent callers for about ``seconds``."""
    calls = 0
    start = time.perf_counter()
    deadline = start + seconds

    async def caller() -> None:
        # The clock is read every call: a caller stops within one call of the deadline, so
        # the calls in flight drop from `in_flight` to none in about one call's latency.
        nonlocal calls
        i = 0
        while time.perf_counter() < deadline:
            if await call(i) != i + 1:
                raise AssertionError(f"add({i}, 1) went wrong")
            calls += 1
            i += 1

    await asyncio.gather(*(caller() for _ in range(in_flight)))
    return calls, time.perf_counter() - start


def main() -> None:
    endpoint = sys.argv[1]
    raw = RawPyzmq(endpoint)
    sync = calculator.CalculatorClient(endpoint)
    aio = calculator.AsyncCalculatorClient(endpoint)
    loop = asyncio.new_event_loop()

    def sync_add() -> None:
        if sync.add(1, 1) != 2:
            raise AssertionError("add(1, 1) went wrong")

    def raw_add() -> None:
        if not raw.call().endswith(RawPyzmq.REPLY_END):
            raise AssertionError("the raw add(1, 1) reply went wrong")

    setups: dict[str, Callable[[float], tuple[int, float]]] = {
        "python raw pyzmq": lambda s: rate_sync(raw_add, s),
        "python sync client": lambda s: rate_sync(sync_add, s),
        "python asyncio client, 1 in flight": lambda s: loop.run_until_complete(
            rate_async(lambda i: aio.add(i, 1), s, 1)
        ),
        f"python asyncio client, {IN_FLIGHT} in flight": lambda s: (
            loop.run_until_complete(rate_async(lambda i: aio.add(i, 1), s, IN_FLIGHT))
        ),
    }
    for measure in setups.values():
        measure(0.05)
    print("ready", flush=True)
    for line in sys.stdin:
        seconds, flip = line.split()
        totals = {name: [0, 0.0, 0.0] for name in setups}
        for piece in range(SLICES):
            order = list(setups.items())
            if (piece + int(flip)) % 2 == 1:
                order.reverse()
            for name, measure in order:
                cpu = time.process_time()
                calls, taken = measure(float(seconds) / SLICES)
                totals[name][0] += calls
                totals[name][1] += taken
                totals[name][2] += time.process_time() - cpu
        for name, (calls, taken, cpu) in totals.items():
            print(f"{name}\t{calls / taken:.1f}\t{cpu / calls * 1e6:.2f}", flush=True)
        print("end", flush=True)
    sync.close()
    loop.run_until_complete(aio.close())
    loop.close()
    raw.socket.close()


if __name__ == "__main__":
    main()
