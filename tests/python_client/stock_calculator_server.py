"""The calculator service on a stock zerorpc 0.6.3 server, for the generated Python client.

python stock_calculator_server.py ENDPOINT [HEARTBEAT]
"""

import sys

import gevent
import zerorpc


class DivisionByZero(Exception):
    """Named like the IDL error; stock servers send only ERR [name, message, traceback]."""


class Calculator:
    def add(self, a, b):
        return a + b

    def divide(self, a, b):
        if b == 0:
            raise DivisionByZero("division by zero")
        return a / b

    @zerorpc.stream
    def countdown(self, n):
        return iter(range(n, 0, -1))

    def translate(self, p, dx, dy):
        return {
            "x": float(p["x"] + dx),
            "y": float(p["y"] + dy),
            "label": p.get("label"),
            "tags": p.get("tags") or [],
        }

    def classify(self, values):
        counts = {}
        for value in values:
            (kind,) = value.keys()
            counts[kind] = counts.get(kind, 0) + 1
        return counts

    def echo_bytes(self, data):
        return data

    def sleep(self, ms):
        gevent.sleep(ms / 1000)
        return ms

    def shapes(self):
        return ["Circle", "Square", "Triangle"]

    def log(self, line):
        print("log:", line, flush=True)


def main():
    endpoint = sys.argv[1]
    heartbeat = float(sys.argv[2]) if len(sys.argv) > 2 else 5
    server = zerorpc.Server(Calculator(), name="Calculator", heartbeat=heartbeat)
    server.bind(endpoint)
    print("listening on", endpoint, flush=True)
    server.run()


if __name__ == "__main__":
    main()
