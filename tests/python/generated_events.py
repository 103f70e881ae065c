"""The generated Python telemetry package (zrpc gen --lang python examples/telemetry) as an
event peer for tests/tests/events.rs; PYTHONPATH holds the package and the zrpc runtime.

python generated_events.py MODE ENDPOINT [N]

  subscriber ENDPOINT N    connects a TelemetrySubscriber, runs it with a handler printing each
                           event as a JSON line {"event": NAME, "args": [...]}, stops after N;
  puller ENDPOINT N        binds a TelemetryPuller, prints "ready", then prints N events read
                           with its iterator;
  failing-puller ENDPOINT N
                           binds a TelemetryPuller, prints "ready", runs it with a handler
                           that prints readings and raises on every offline event, stops after
                           N readings;
  publisher ENDPOINT       connects a TelemetryPublisher and publishes reading("kitchen", i)
                           every 10 ms for at most 20 s (a PUB cannot know when a subscriber
                           has joined);
  pusher ENDPOINT N        connects a TelemetryPusher, pushes reading("kitchen", i) for i < N,
                           then offline("kitchen", "done"), and closes 1 s later.

async-subscriber, async-puller, async-failing-puller, async-publisher and async-pusher do the
same with the asyncio classes. Log lines (dropped events) go to stderr. ZRPC_CURVE_SERVER_KEY,
ZRPC_CURVE_PUBLIC_KEY and ZRPC_CURVE_SECRET_KEY, when set, are passed to every constructor as
curve_server_key, curve_public_key and curve_secret_key.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from typing import TypedDict

import telemetry


class Curve(TypedDict):
    curve_server_key: str | None
    curve_public_key: str | None
    curve_secret_key: str | None


CURVE: Curve = {
    "curve_server_key": os.environ.get("ZRPC_CURVE_SERVER_KEY"),
    "curve_public_key": os.environ.get("ZRPC_CURVE_PUBLIC_KEY"),
    "curve_secret_key": os.environ.get("ZRPC_CURVE_SECRET_KEY"),
}


# Seconds a pusher stays open after its last event: close() flushes for only half a second, too
# short for a connection (a CURVE handshake) on a loaded machine.
HOLD = 1.0


def show(name: str, args: list[object]) -> None:
    print(json.dumps({"event": name, "args": args}), flush=True)


def shown(event: telemetry.TelemetryEvent) -> None:
    if isinstance(event, telemetry.TelemetryReading):
        show("reading", [event.sensor, event.value])
    else:
        show("offline", [event.sensor, event.reason])


class Printer:
    """A TelemetryHandler that stops its receiver after `wanted` events; with `fail_offline`,
    it raises on offline events instead of counting them."""

    def __init__(self, wanted: int, fail_offline: bool = False) -> None:
        self.wanted = wanted
        self.fail_offline = fail_offline
        self.receiver: (
            telemetry.TelemetrySubscriber | telemetry.TelemetryPuller | None
        ) = None

    def _seen(self) -> None:
        self.wanted -= 1
        if self.wanted <= 0 and self.receiver is not None:
            self.receiver.stop()

    def reading(self, sensor: str, value: float) -> None:
        show("reading", [sensor, value])
        self._seen()

    def offline(self, sensor: str, reason: str) -> None:
        if self.fail_offline:
            raise RuntimeError(f"boom: {reason}")
        show("offline", [sensor, reason])
        self._seen()


class AsyncPrinter:
    """An AsyncTelemetryHandler that stops its receiver after `wanted` events; with
    `fail_offline`, it raises on offline events instead of counting them."""

    def __init__(self, wanted: int, fail_offline: bool = False) -> None:
        self.wanted = wanted
        self.fail_offline = fail_offline
        self.receiver: (
            telemetry.AsyncTelemetrySubscriber | telemetry.AsyncTelemetryPuller | None
        ) = None

    def _seen(self) -> None:
        self.wanted -= 1
        if self.wanted <= 0 and self.receiver is not None:
            self.receiver.stop()

    async def reading(self, sensor: str, value: float) -> None:
        show("reading", [sensor, value])
        self._seen()

    async def offline(self, sensor: str, reason: str) -> None:
        if self.fail_offline:
            raise RuntimeError(f"boom: {reason}")
        show("offline", [sensor, reason])
        self._seen()


def run_sync(mode: str, endpoint: str, count: int) -> None:
    if mode == "subscriber":
        printer = Printer(count)
        with telemetry.TelemetrySubscriber(endpoint, printer, **CURVE) as subscriber:
            printer.receiver = subscriber
            subscriber.run()
    elif mode == "puller":
        with telemetry.TelemetryPuller(endpoint, bind=True, **CURVE) as puller:
            print("ready", flush=True)
            for seen, event in enumerate(puller, start=1):
                shown(event)
                if seen == count:
                    break
    elif mode == "failing-puller":
        printer = Printer(count, fail_offline=True)
        with telemetry.TelemetryPuller(endpoint, printer, bind=True, **CURVE) as puller:
            printer.receiver = puller
            print("ready", flush=True)
            puller.run()
    elif mode == "publisher":
        with telemetry.TelemetryPublisher(endpoint, **CURVE) as publisher:
            for i in range(2000):
                publisher.reading("kitchen", float(i))
                time.sleep(0.01)
    elif mode == "pusher":
        with telemetry.TelemetryPusher(endpoint, **CURVE) as pusher:
            for i in range(count):
                pusher.reading("kitchen", float(i))
            pusher.offline("kitchen", "done")
            time.sleep(HOLD)
    else:
        sys.exit(f"unknown mode {mode}")


async def run_async(mode: str, endpoint: str, count: int) -> None:
    if mode == "subscriber":
        printer = AsyncPrinter(count)
        async with telemetry.AsyncTelemetrySubscriber(
            endpoint, printer, **CURVE
        ) as subscriber:
            printer.receiver = subscriber
            await subscriber.run()
    elif mode == "puller":
        async with telemetry.AsyncTelemetryPuller(
            endpoint, bind=True, **CURVE
        ) as puller:
            print("ready", flush=True)
            seen = 0
            async for event in puller:
                shown(event)
                seen += 1
                if seen == count:
                    break
    elif mode == "failing-puller":
        printer = AsyncPrinter(count, fail_offline=True)
        async with telemetry.AsyncTelemetryPuller(
            endpoint, printer, bind=True, **CURVE
        ) as puller:
            printer.receiver = puller
            print("ready", flush=True)
            await puller.run()
    elif mode == "publisher":
        async with telemetry.AsyncTelemetryPublisher(endpoint, **CURVE) as publisher:
            for i in range(2000):
                await publisher.reading("kitchen", float(i))
                await asyncio.sleep(0.01)
    elif mode == "pusher":
        async with telemetry.AsyncTelemetryPusher(endpoint, **CURVE) as pusher:
            for i in range(count):
                await pusher.reading("kitchen", float(i))
            await pusher.offline("kitchen", "done")
            await asyncio.sleep(HOLD)
    else:
        sys.exit(f"unknown mode {mode}")


def main() -> None:
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    mode, endpoint, *rest = sys.argv[1:]
    count = int(rest[0]) if rest else 0
    if mode.startswith("async-"):
        asyncio.run(run_async(mode.removeprefix("async-"), endpoint, count))
    else:
        run_sync(mode, endpoint, count)


if __name__ == "__main__":
    main()
