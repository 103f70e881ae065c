"""Stock zerorpc-python event peers for the events interop tests.

python stock_events.py MODE ENDPOINT [N]

  publisher ENDPOINT   binds a zerorpc.Publisher, prints "ready", then publishes
                       reading("kitchen", i) every 10 ms (i = 0, 1, ...) for at most 20 s
                       (a PUB cannot know when subscribers have joined);
  pusher ENDPOINT N    connects a zerorpc.Pusher and pushes reading("kitchen", i) for i < N,
                       then offline("kitchen", "done");
  subscriber ENDPOINT N / puller ENDPOINT N
                       binds a zerorpc.Subscriber / Puller, prints "ready", then prints each
                       of N events as a JSON line {"event": NAME, "args": [...]}.
"""

import json
import sys

import gevent
import gevent.event
import zerorpc


class Recorder:
    def __init__(self, wanted: int) -> None:
        self.wanted = wanted
        self.done = gevent.event.Event()
        self.seen = 0

    def _record(self, name: str, args: list) -> None:
        print(json.dumps({"event": name, "args": args}), flush=True)
        self.seen += 1
        if self.seen >= self.wanted:
            self.done.set()

    def reading(self, sensor: str, value: float) -> None:
        self._record("reading", [sensor, value])

    def offline(self, sensor: str, reason: str) -> None:
        self._record("offline", [sensor, reason])


def main() -> None:
    mode, endpoint, *rest = sys.argv[1:]
    count = int(rest[0]) if rest else 0
    if mode == "publisher":
        publisher = zerorpc.Publisher()
        publisher.bind(endpoint)
        print("ready", flush=True)
        for i in range(2000):
            publisher.reading("kitchen", float(i))
            gevent.sleep(0.01)
    elif mode == "pusher":
        pusher = zerorpc.Pusher()
        pusher.connect(endpoint)
        for i in range(count):
            pusher.reading("kitchen", float(i))
        pusher.offline("kitchen", "done")
        gevent.sleep(1)
        pusher.close()
    else:
        recorder = Recorder(count)
        receiver = (zerorpc.Subscriber if mode == "subscriber" else zerorpc.Puller)(
            recorder
        )
        receiver.bind(endpoint)
        task = gevent.spawn(receiver.run)
        print("ready", flush=True)
        recorder.done.wait(timeout=20)
        task.kill()
        receiver.close()


if __name__ == "__main__":
    main()
