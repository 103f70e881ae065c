"""The calculator service on a stock zerorpc 0.6.3 server.

Stands in for `calculator-server` in the Ruby/PHP live tests while the Rust server is not
available; a middleware adds the `zrpc_error` header key that carries a typed error's fields.
Usage: zerorpc_calculator.py ENDPOINT [--heartbeat SECONDS]
"""

import argparse
import collections
import gevent

import zerorpc


class DivisionByZero(Exception):
    def __init__(self, dividend):
        super().__init__(f"cannot divide {dividend} by zero")
        self.dividend = dividend


class TypedErrors:
    """Puts the fields of a declared error into the ERR header, as zrpc servers do."""

    def server_inspect_exception(self, request_event, reply_event, task_context, exc_infos):
        exc = exc_infos[1]
        if reply_event is not None and isinstance(exc, DivisionByZero):
            reply_event.header["zrpc_error"] = {"dividend": exc.dividend}


class Calculator:
    def add(self, a, b):
        return a + b

    def divide(self, a, b):
        if b == 0:
            raise DivisionByZero(a)
        return a / b

    @zerorpc.stream
    def countdown(self, n):
        return iter(range(n, 0, -1))

    def translate(self, p, dx, dy):
        moved = dict(p)
        moved["x"] = p["x"] + dx
        moved["y"] = p["y"] + dy
        return moved

    def classify(self, values):
        counts = collections.Counter(next(iter(value)) for value in values)
        return dict(counts)

    def echo_bytes(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        return data

    def sleep(self, ms):
        gevent.sleep(ms / 1000)
        return ms

    def shapes(self):
        return ["Circle", "Square", "Triangle"]

    def log(self, line):
        print(line, flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("--heartbeat", type=float, default=5.0)
    options = parser.parse_args()
    zerorpc.Context.get_instance().register_middleware(TypedErrors())
    server = zerorpc.Server(Calculator(), heartbeat=options.heartbeat)
    server.bind(options.endpoint)
    server.run()


if __name__ == "__main__":
    main()
