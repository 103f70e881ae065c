"""Stock zerorpc 0.6.3 server for the benchmark: python stock_server.py ENDPOINT."""

import sys

import zerorpc


class Bench:
    def add(self, a, b):
        return a + b


server = zerorpc.Server(Bench(), name="Bench")
server.bind(sys.argv[1])
print("ready", flush=True)
server.run()
