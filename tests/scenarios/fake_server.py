"""A misbehaving server for the scenarios: answers each request with garbage and then `OK [3]`
(mode `undecodable`), or with an OK whose args are not a one-element array (mode `malformed`).

Usage: fake_server.py MODE ENDPOINT (runs until killed).
"""

import sys

import msgpack
import zmq

mode, endpoint = sys.argv[1], sys.argv[2]
router = zmq.Context.instance().socket(zmq.ROUTER)
router.setsockopt(zmq.LINGER, 0)
router.bind(endpoint)
while True:
    frames = router.recv_multipart()
    request = msgpack.unpackb(frames[-1], raw=False)
    if request[1].startswith("_zpc_"):
        continue
    header = {"message_id": b"f" * 32, "v": 3, "response_to": request[0]["message_id"]}
    if mode == "undecodable":
        router.send_multipart([frames[0], b"", b"\xc1 not msgpack"])
        reply = [header, "OK", [3]]
    else:
        reply = [header, "OK", "not a list"]
    router.send_multipart([frames[0], b"", msgpack.packb(reply)])
