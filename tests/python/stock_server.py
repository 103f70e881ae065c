"""A stock zerorpc 0.6.3 server for the interop tests: python stock_server.py ENDPOINT [HEARTBEAT].

On CPython >= 3.11 its `_zerorpc_inspect` and `_zerorpc_args` fail with AttributeError
(`inspect.getargspec` is gone); `zrpc inspect` must fall back to `_zerorpc_list`/`_zerorpc_help`.
"""

import sys

import gevent
import zerorpc


class Arith:
    def add(self, a, b):
        """Adds two numbers."""
        return a + b

    def divide(self, a, b):
        """Divides a by b."""
        return a / b

    @zerorpc.stream
    def count(self, n):
        """Yields 0 .. n-1."""
        return iter(range(n))

    def echo(self, value):
        """Returns its argument unchanged."""
        return value

    def slow(self, seconds):
        """Sleeps, then returns the seconds slept."""
        gevent.sleep(seconds)
        return seconds


def main():
    endpoint = sys.argv[1]
    heartbeat = float(sys.argv[2]) if len(sys.argv) > 2 else 5
    server = zerorpc.Server(Arith(), name="Arith", heartbeat=heartbeat)
    server.bind(endpoint)
    print("listening on", endpoint, flush=True)
    server.run()


if __name__ == "__main__":
    main()
