"""The generated Python telemetry package (zrpc gen --lang python examples/telemetry) as an
event peer for tests/tests/events.rs; PYTHONPATH holds the package and the zrpc runtime.

python generated_events.py MODE ENDPOINT [N]

  subscriber ENDPOINT N    connects a TelemetrySubscriber, runs it with a handler printing each
                           event as a JSON line {"event": NAME, "args": [...]}, stops after N;
  puller ENDPOINT N        binds a TelemetryPuller, prints "ready", then prints N events read
                           with its iterator;
  publisher ENDPOINT       connects a TelemetryPublisher and publishes reading("kitchen", i)
                           every 10 ms for at most 20 s (a PUB cannot know when a subscriber
                           has joined);
  pusher ENDPOINT N        connects a TelemetryPusher, pushes reading("kitchen", i) for i < N,
                           then offline("kitchen", "done").

async-subscriber, async-puller, async-publisher and async-pusher do the same with the asyncio
classes. Log lines (dropped events) go to stderr.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time

import telemetry


def show(name: str, args: list[object]) -> None:
    print(json.dumps({"event": name, "args": args}), flush=True)


def shown(event: telemetry.TelemetryEvent) -> None:
    if isinstance(event, telemetry.TelemetryReading):
        show("reading", [event.sensor, event.value])
    else:
        show("offline", [event.sensor, event.reason])


class Printer:
    """A TelemetryHandler that stops its receiver after `wanted` events."""

    def __init__(self, wanted: int) -> None:
        self.wanted = wanted
        self.receiver: telemetry.TelemetrySubscriber | None = None

    def _seen(self) -> None:
        self.wanted -= 1
        if self.wanted <= 0 and self.receiver is not None:
            self.receiver.stop()

    def reading(self, sensor: str, value: float) -> None:
        show("reading", [sensor, value])
        self._seen()

    def offline(self, sensor: str, reason: str) -> None:
        show("offline", [sensor, reason])
        self._seen()


class AsyncPrinter:
    """An AsyncTelemetryHandler that stops its receiver after `wanted` events."""

    def __init__(self, wanted: int) -> None:
        self.wanted = wanted
        self.receiver: telemetry.AsyncTelemetrySubscriber | None = None

    def _seen(self) -> None:
        self.wanted -= 1
        if self.wanted <= 0 and self.receiver is not None:
            self.receiver.stop()

    async def reading(self, sensor: str, value: float) -> None:
        show("reading", [sensor, value])
        self._seen()

    async def offline(self, sensor: str, reason: str) -> None:
        show("offline", [sensor, reason])
        self._seen()


def run_sync(mode: str, endpoint: str, count: int) -> None:
    if mode == "subscriber":
        printer = Printer(count)
        with telemetry.TelemetrySubscriber(endpoint, printer) as subscriber:
            printer.receiver = subscriber
            subscriber.run()
    elif mode == "puller":
        with telemetry.TelemetryPuller(endpoint, bind=True) as puller:
            print("ready", flush=True)
            for seen, event in enumerate(puller, start=1):
                shown(event)
                if seen == count:
                    break
    elif mode == "publisher":
        with telemetry.TelemetryPublisher(endpoint) as publisher:
            for i in range(2000):
                publisher.reading("kitchen", float(i))
                time.sleep(0.01)
    elif mode == "pusher":
        with telemetry.TelemetryPusher(endpoint) as pusher:
            for i in range(count):
                pusher.reading("kitchen", float(i))
            pusher.offline("kitchen", "done")
    else:
        sys.exit(f"unknown mode {mode}")


async def run_async(mode: str, endpoint: str, count: int) -> None:
    if mode == "subscriber":
        printer = AsyncPrinter(count)
        async with telemetry.AsyncTelemetrySubscriber(endpoint, printer) as subscriber:
            printer.receiver = subscriber
            await subscriber.run()
    elif mode == "puller":
        async with telemetry.AsyncTelemetryPuller(endpoint, bind=True) as puller:
            print("ready", flush=True)
            seen = 0
            async for event in puller:
                shown(event)
                seen += 1
                if seen == count:
                    break
    elif mode == "publisher":
        async with telemetry.AsyncTelemetryPublisher(endpoint) as publisher:
            for i in range(2000):
                await publisher.reading("kitchen", float(i))
                await asyncio.sleep(0.01)
    elif mode == "pusher":
        async with telemetry.AsyncTelemetryPusher(endpoint) as pusher:
            for i in range(count):
                await pusher.reading("kitchen", float(i))
            await pusher.offline("kitchen", "done")
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
