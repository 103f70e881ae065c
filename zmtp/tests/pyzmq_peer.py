"""A libzmq peer (pyzmq) for the engine's interop tests.

python pyzmq_peer.py router ENDPOINT [SERVER_SECRET_Z85 [ALLOWED_CLIENT_PUBLIC_Z85]]
    binds a ROUTER, prints the endpoint, echoes 5 messages (optionally over CURVE).
python pyzmq_peer.py dealer ENDPOINT [SERVER_PUBLIC CLIENT_PUBLIC CLIENT_SECRET]
    connects a DEALER, sends 5 multipart messages, checks the echoes, prints "ok".
"""

import sys
import threading

import zmq
import zmq.auth.thread


def main() -> None:
    mode, endpoint, *keys = sys.argv[1:]
    ctx = zmq.Context()
    if mode == "router":
        sock = ctx.socket(zmq.ROUTER)
        if keys:
            if len(keys) > 1:
                auth = zmq.auth.thread.ThreadAuthenticator(ctx)
                auth.start()
                auth.configure_curve_callback(
                    domain="*", credentials_provider=Allow(keys[1])
                )
            secret = keys[0].encode()
            sock.curve_secretkey = secret
            sock.curve_publickey = zmq.curve_public(secret)
            sock.curve_server = True
        if endpoint.endswith(":0"):
            port = sock.bind_to_random_port(endpoint.rsplit(":", 1)[0])
            endpoint = endpoint.rsplit(":", 1)[0] + ":" + str(port)
        else:
            sock.bind(endpoint)
        print(endpoint, flush=True)
        sock.rcvtimeo = 10000
        for _ in range(5):
            sock.send_multipart(sock.recv_multipart())
        print("ok", flush=True)
    else:
        sock = ctx.socket(zmq.DEALER)
        if keys:
            sock.curve_serverkey = keys[0].encode()
            sock.curve_publickey = keys[1].encode()
            sock.curve_secretkey = keys[2].encode()
        sock.rcvtimeo = 5000
        sock.connect(endpoint)
        for i in range(5):
            message = [b"", b"hello %d" % i, bytes(range(256)) * 300]
            sock.send_multipart(message)
            try:
                reply = sock.recv_multipart()
            except zmq.Again:
                print("timeout", flush=True)
                return
            assert reply == message, reply
        print("ok", flush=True)
    sock.close(linger=1000)
    ctx.term()


class Allow:
    def __init__(self, key: str) -> None:
        self.key = key.encode()

    def callback(self, domain: str, key: bytes) -> bool:
        # pyzmq hands the client key over in Z85.
        return key == self.key


if __name__ == "__main__":
    threading.current_thread().name = "peer"
    main()
