"""The generated `calculator` Python package against a live calculator server (unittest).

Driven by tests/tests/python_generated_client.rs, which generates the package with `zrpc gen`,
puts it on PYTHONPATH and starts the server. Environment:
  ZRPC_ENDPOINT       the server (its heartbeat interval must be 1 s)
  ZRPC_DEAD_ENDPOINT  a loopback endpoint nobody listens on
  ZRPC_SERVER_KIND    "zrpc" (calculator-server) or "stock" (stock_calculator_server.py)
Run a subset with `-k NAME`, like any unittest module.
"""

import asyncio
import os
import threading
import time
import unittest

import msgpack
import zmq

import calculator
from calculator import (
    AsyncCalculatorClient,
    CalculatorClient,
    DivisionByZero,
    Point,
    RemoteError,
    Shape,
    TimeoutExpired,
    UnknownMethodError,
    UnreachableError,
    ValueInt,
    ValuePoint,
    ValueText,
)

ENDPOINT = os.environ["ZRPC_ENDPOINT"]
DEAD_ENDPOINT = os.environ.get("ZRPC_DEAD_ENDPOINT", "tcp://127.0.0.1:9")
SERVER_KIND = os.environ.get("ZRPC_SERVER_KIND", "zrpc")
HEARTBEAT = 1.0


class CalculatorTest(unittest.TestCase):
    def setUp(self):
        self.client = CalculatorClient(ENDPOINT, timeout=10, heartbeat=HEARTBEAT)

    def tearDown(self):
        self.client.close()

    def test_add(self):
        self.assertEqual(self.client.add(2, 3), 5)
        self.assertEqual(self.client.add(-(2**62), -(2**62)), -(2**63))

    def test_divide(self):
        self.assertEqual(self.client.divide(7.0, 2.0), 3.5)
        # ints are valid floats on the way out
        self.assertEqual(self.client.divide(1, 4), 0.25)

    def test_division_by_zero_is_typed_with_its_field(self):
        with self.assertRaises(DivisionByZero) as caught:
            self.client.divide(7.5, 0.0)
        error = caught.exception
        self.assertIsInstance(error, RemoteError)
        self.assertEqual(error.name, "DivisionByZero")
        self.assertEqual(error.dividend, 7.5)
        self.assertTrue(error.message)

    def test_countdown(self):
        self.assertEqual(list(self.client.countdown(5)), [5, 4, 3, 2, 1])
        self.assertEqual(list(self.client.countdown(0)), [])

    def test_stream_of_10000_items(self):
        items = list(self.client.countdown(10_000))
        self.assertEqual(len(items), 10_000)
        self.assertEqual(items, list(range(10_000, 0, -1)))

    def test_stream_abandoned_midway_leaves_the_client_usable(self):
        stream = self.client.countdown(1000)
        self.assertEqual([next(stream) for _ in range(3)], [1000, 999, 998])
        stream.close()
        self.assertEqual(self.client.add(1, 1), 2)

    def test_translate_with_optional_absent_and_present(self):
        moved = self.client.translate(Point(1.0, 2.0), 1.5, -2.0)
        self.assertEqual(moved, Point(2.5, 0.0, label=None, tags=[]))
        labelled = self.client.translate(Point(0, 0, label="p", tags=["a", "b"]), 1, 1)
        self.assertEqual(labelled, Point(1.0, 1.0, label="p", tags=["a", "b"]))
        self.assertIsInstance(labelled.x, float)

    def test_struct_defaults(self):
        point = Point(1.0, 2.0)
        self.assertIsNone(point.label)
        self.assertEqual(point.tags, [])
        # Each instance gets its own default list.
        self.assertIsNot(point.tags, Point(0, 0).tags)
        # Absent optional and defaulted fields decode to their defaults.
        self.assertEqual(Point.from_wire({"x": 1.0, "y": 2}), Point(1.0, 2.0))
        self.assertEqual(
            Point.from_wire({"x": 1.0, "y": 2, "label": None, "extra": 1}), point
        )
        with self.assertRaises(calculator.DecodeError):
            Point.from_wire({"x": 1.0})
        # rmp-serde's compact form: fields in declaration order.
        self.assertEqual(Point.from_wire([1.0, 2.0, "p"]), Point(1.0, 2.0, label="p"))

    def test_classify_every_union_variant(self):
        values = [
            ValueInt(5),
            ValueText("a"),
            ValueInt(-6),
            ValuePoint(Point(0, 0, label="origin")),
        ]
        self.assertEqual(
            self.client.classify(values), {"int": 2, "text": 1, "point": 1}
        )
        self.assertEqual(self.client.classify([]), {})
        self.assertEqual(calculator.value_from_wire({"text": "t"}), ValueText("t"))
        self.assertEqual(
            ValuePoint(Point(1, 2)).to_wire(), {"point": Point(1, 2).to_wire()}
        )

    def test_bytes_with_non_utf8_content(self):
        data = bytes(range(256)) + b"\xff\xfe\x00"
        self.assertEqual(self.client.echo_bytes(data), data)
        self.assertEqual(self.client.echo_bytes(b""), b"")

    def test_shapes_enum(self):
        self.assertEqual(
            self.client.shapes(), [Shape.CIRCLE, Shape.SQUARE, Shape.TRIANGLE]
        )
        self.assertEqual(Shape.from_wire("Square"), Shape.SQUARE)
        self.assertEqual(Shape.TRIANGLE.to_wire(), "Triangle")

    def test_oneway_log_returns_at_once(self):
        started = time.monotonic()
        self.assertIsNone(self.client.log("hello from the generated python client"))
        self.assertLess(time.monotonic() - started, 1.0)
        # The connection keeps working after a oneway call whose reply (if any) is ignored.
        self.assertEqual(self.client.add(1, 2), 3)

    def test_long_call_outlives_three_heartbeat_intervals(self):
        started = time.monotonic()
        self.assertEqual(self.client.sleep(3500), 3500)
        self.assertGreaterEqual(time.monotonic() - started, 3.4)

    def test_timeout(self):
        with CalculatorClient(ENDPOINT, timeout=0.5, heartbeat=HEARTBEAT) as client:
            started = time.monotonic()
            with self.assertRaises(TimeoutExpired) as caught:
                client.sleep(3000)
            elapsed = time.monotonic() - started
            self.assertIn("sleep", str(caught.exception))
            self.assertTrue(0.4 < elapsed < 2.0, elapsed)
            # A late reply of the timed-out call does not confuse the next one.
            self.assertEqual(client.add(2, 2), 4)

    def test_server_down_is_a_clear_error_without_hanging(self):
        with CalculatorClient(
            DEAD_ENDPOINT, timeout=1.0, heartbeat=HEARTBEAT
        ) as client:
            started = time.monotonic()
            with self.assertRaises(UnreachableError) as caught:
                client.add(1, 2)
            self.assertLess(time.monotonic() - started, 3.0)
            self.assertIn(DEAD_ENDPOINT, str(caught.exception))

    def test_unknown_method_via_raw_call(self):
        with self.assertRaises(UnknownMethodError) as caught:
            self.client.connection.call("no_such_method", [1])
        self.assertEqual(caught.exception.name, "NameError")
        self.assertIn("no_such_method", str(caught.exception))
        # Raw calls of known methods work too.
        self.assertEqual(self.client.connection.call("add", [20, 22]), 42)

    def test_wrong_argument_type_is_a_remote_error(self):
        with self.assertRaises(RemoteError):
            self.client.connection.call("add", ["one", 2])


class SilentServerTest(unittest.TestCase):
    """A ROUTER that takes requests and never answers nor heartbeats: a hung server."""

    def setUp(self):
        self.router = zmq.Context.instance().socket(zmq.ROUTER)
        self.router.setsockopt(zmq.LINGER, 0)
        port = self.router.bind_to_random_port("tcp://127.0.0.1")
        self.endpoint = f"tcp://127.0.0.1:{port}"
        self.requests = []
        self.heartbeats = 0
        # Heartbeats answered before going silent: none, or two to show its 0.3 s interval.
        self.echoes = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._swallow)
        self.thread.start()

    def _swallow(self):
        while not self.stop.is_set():
            if self.router.poll(50):
                frames = self.router.recv_multipart()
                event = msgpack.unpackb(frames[-1])
                if event[1] == "_zpc_hb":
                    self.heartbeats += 1
                    if self.echoes > 0:
                        self.echoes -= 1
                        header = {"message_id": b"e" * 32, "v": 3, "response_to": event[0]["response_to"]}
                        self.router.send_multipart([frames[0], b"", msgpack.packb([header, "_zpc_hb", [0]])])
                else:
                    self.requests.append(event)

    def tearDown(self):
        self.stop.set()
        self.thread.join()
        self.router.close()

    def test_lost_remote_after_missing_heartbeats(self):
        self.echoes = 2
        with CalculatorClient(self.endpoint, timeout=30, heartbeat=0.3) as client:
            started = time.monotonic()
            with self.assertRaises(calculator.LostRemoteError) as caught:
                client.add(1, 2)
            elapsed = time.monotonic() - started
        # docs/protocol.md, section 4: the server heartbeated at 0.3 s and 0.6 s, then went
        # silent: lost 2 x 0.3 s later, long before the 30 s timeout; the client heartbeated
        # the open call meanwhile.
        self.assertTrue(1.0 <= elapsed <= 2.0, elapsed)
        self.assertIn("add", str(caught.exception))
        self.assertEqual(self.requests[0][1], "add")
        self.assertEqual(self.requests[0][0]["v"], 3)
        self.assertEqual(len(self.requests[0][0]["message_id"]), 32)
        self.assertGreaterEqual(self.heartbeats, 2)

    def test_async_lost_remote(self):
        # A server that never heartbeats is given the assumed 5 s interval: lost after 10 s.
        async def call():
            async with AsyncCalculatorClient(self.endpoint, heartbeat=0.3) as client:
                await client.add(1, 2)

        with self.assertRaises(calculator.LostRemoteError):
            asyncio.run(call())


class HostileServerTest(unittest.TestCase):
    """A ROUTER answering each request with junk first, then with `reply`."""

    def serve(self, reply):
        router = zmq.Context.instance().socket(zmq.ROUTER)
        router.setsockopt(zmq.LINGER, 0)
        port = router.bind_to_random_port("tcp://127.0.0.1")

        def answer():
            if not router.poll(5000):
                return
            frames = router.recv_multipart()
            identity, request = frames[0], msgpack.unpackb(frames[-1])
            header = {
                "message_id": b"f" * 32,
                "v": 3,
                "response_to": request[0]["message_id"],
            }
            for junk in (
                b"\xc1 not msgpack",
                msgpack.packb(["only", "two"]),
                msgpack.packb([{"v": 3, "response_to": b"0" * 32}, "OK", [666]]),
                msgpack.packb([{"v": 3}, "OK", [667]]),
            ):
                router.send_multipart([identity, b"", junk])
            router.send_multipart([identity, b"", msgpack.packb([header, *reply])])

        thread = threading.Thread(target=answer)
        thread.start()
        self.addCleanup(router.close)
        self.addCleanup(thread.join)
        return f"tcp://127.0.0.1:{port}"

    def test_junk_and_foreign_events_are_ignored(self):
        endpoint = self.serve(["OK", [3]])
        with CalculatorClient(endpoint, timeout=5, heartbeat=HEARTBEAT) as client:
            self.assertEqual(client.add(1, 2), 3)

    def test_malformed_reply_is_a_protocol_error(self):
        endpoint = self.serve(["OK", "not a list"])
        with CalculatorClient(endpoint, timeout=5, heartbeat=HEARTBEAT) as client:
            with self.assertRaises(calculator.ProtocolError):
                client.add(1, 2)

    def test_result_of_the_wrong_type_is_a_decode_error(self):
        endpoint = self.serve(["OK", ["three"]])
        with CalculatorClient(endpoint, timeout=5, heartbeat=HEARTBEAT) as client:
            with self.assertRaises(calculator.DecodeError):
                client.add(1, 2)

    def test_v1_error_reply(self):
        endpoint = self.serve(["ERR", ["ValueError('kaboom')"]])
        with CalculatorClient(endpoint, timeout=5, heartbeat=HEARTBEAT) as client:
            with self.assertRaises(RemoteError) as caught:
                client.add(1, 2)
            self.assertIn("kaboom", str(caught.exception))


class AsyncCalculatorTest(unittest.TestCase):
    def test_async_client(self):
        asyncio.run(self._exercise())

    async def _exercise(self):
        async with AsyncCalculatorClient(
            ENDPOINT, timeout=10, heartbeat=HEARTBEAT
        ) as client:
            self.assertEqual(await client.add(2, 3), 5)
            self.assertEqual([n async for n in client.countdown(3)], [3, 2, 1])
            count = 0
            async for _ in client.countdown(10_000):
                count += 1
            self.assertEqual(count, 10_000)
            moved = await client.translate(Point(1, 1, label="a"), 1, 1)
            self.assertEqual(moved, Point(2.0, 2.0, label="a"))
            self.assertEqual(await client.echo_bytes(b"\x80\x81"), b"\x80\x81")
            self.assertEqual(await client.shapes(), list(Shape))
            await client.log("hello from the async client")
            # Concurrent calls share one socket; three 1.5 s sleeps take ~1.5 s, not 4.5 s.
            started = time.monotonic()
            results = await asyncio.gather(*(client.sleep(1500) for _ in range(3)))
            self.assertEqual(results, [1500, 1500, 1500])
            self.assertLess(time.monotonic() - started, 3.0)
            with self.assertRaises(UnknownMethodError):
                await client.connection.call("no_such_method", [])
            if SERVER_KIND == "zrpc":
                with self.assertRaises(DivisionByZero) as caught:
                    await client.divide(2.0, 0.0)
                self.assertEqual(caught.exception.dividend, 2.0)
        async with AsyncCalculatorClient(
            ENDPOINT, timeout=0.5, heartbeat=HEARTBEAT
        ) as client:
            with self.assertRaises(TimeoutExpired):
                await client.sleep(3000)
        async with AsyncCalculatorClient(DEAD_ENDPOINT, timeout=1.0) as client:
            with self.assertRaises(UnreachableError):
                await client.add(1, 2)


if SERVER_KIND == "stock":
    # A stock zerorpc server sends no `zrpc_error` fields: the error is a plain RemoteError
    # carrying the Python exception's class name.
    def _stock_division_by_zero(self):
        with self.assertRaises(RemoteError) as caught:
            self.client.divide(7.5, 0.0)
        self.assertEqual(caught.exception.name, "DivisionByZero")
        self.assertNotIsInstance(caught.exception, DivisionByZero)

    CalculatorTest.test_division_by_zero_is_typed_with_its_field = (
        _stock_division_by_zero
    )


if __name__ == "__main__":
    unittest.main(verbosity=2)
