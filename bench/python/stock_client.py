"""Stock zerorpc 0.6.3 client for the benchmark: python stock_client.py ENDPOINT SECONDS.

Makes synchronous add(1, 2) calls for SECONDS after a warm-up and prints the rate as
`calls_per_sec N`.
"""

import sys
import time

import zerorpc

endpoint, seconds = sys.argv[1], float(sys.argv[2])
client = zerorpc.Client(endpoint, timeout=30)
for _ in range(50):
    assert client.add(1, 2) == 3
calls = 0
start = time.perf_counter()
deadline = start + seconds
while time.perf_counter() < deadline:
    assert client.add(calls, 1) == calls + 1
    calls += 1
elapsed = time.perf_counter() - start
client.close()
print(f"calls_per_sec {calls / elapsed:.1f}", flush=True)
