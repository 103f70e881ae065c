"""A libzmq peer (pyzmq) for the PUB/SUB and PUSH/PULL interop tests.

python pyzmq_events_peer.py MODE ENDPOINT [KEYS...]

MODE is one of:
  sub   connects a SUB, subscribes to b"a", prints "ok" after 5 messages that all start
        with b"a" (and "bad ..." for one that does not);
  pub   binds a PUB, prints the endpoint, publishes b"b..." and b"a..." every 5 ms for 10 s;
  pull  binds a PULL, prints the endpoint, prints "ok" after 5 messages b"job N";
  push  connects a PUSH, sends b"job 0".."job 4", prints "ok".
Binding peers are CURVE servers given KEYS = SERVER_SECRET; connecting peers are CURVE
clients given KEYS = SERVER_PUBLIC CLIENT_PUBLIC CLIENT_SECRET (all Z85).
"""

import sys
import time

import zmq

KINDS = {"sub": zmq.SUB, "pub": zmq.PUB, "pull": zmq.PULL, "push": zmq.PUSH}


def main() -> None:
    mode, endpoint, *keys = sys.argv[1:]
    ctx = zmq.Context()
    sock = ctx.socket(KINDS[mode])
    sock.rcvtimeo = 10000
    if mode in ("pub", "pull"):
        if keys:
            sock.curve_secretkey = keys[0].encode()
            sock.curve_publickey = zmq.curve_public(keys[0].encode())
            sock.curve_server = True
        base = endpoint.rsplit(":", 1)[0]
        endpoint = f"{base}:{sock.bind_to_random_port(base)}"
        print(endpoint, flush=True)
    else:
        if keys:
            sock.curve_serverkey = keys[0].encode()
            sock.curve_publickey = keys[1].encode()
            sock.curve_secretkey = keys[2].encode()
        sock.connect(endpoint)
    if mode == "sub":
        sock.subscribe(b"a")
        for _ in range(5):
            message = sock.recv_multipart()
            if not message[0].startswith(b"a"):
                print("bad", message, flush=True)
                return
        print("ok", flush=True)
    elif mode == "pub":
        for i in range(2000):
            sock.send(b"b %d" % i)
            sock.send_multipart([b"a %d" % i, b"second frame"])
            time.sleep(0.005)
    elif mode == "pull":
        got = sorted(sock.recv() for _ in range(5))
        print(
            "ok" if got == [b"job %d" % i for i in range(5)] else f"bad {got}",
            flush=True,
        )
    else:
        for i in range(5):
            sock.send(b"job %d" % i)
        print("ok", flush=True)
    sock.close(linger=1000)
    ctx.term()


if __name__ == "__main__":
    main()
