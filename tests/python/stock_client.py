"""Stock zerorpc 0.6.3 client driven by the interop tests.

python stock_client.py ENDPOINT SCENARIO [HEARTBEAT]; prints one line per check and exits non-zero
on the first failure (an AssertionError with the reason).
"""

import sys

import zerorpc


def check_add(client):
    assert client.add(2, 3) == 5, "add(2, 3)"
    print("add ok")


def check_divide_by_zero(client):
    assert client.divide(7.0, 2.0) == 3.5, "divide(7, 2)"
    try:
        client.divide(7.0, 0.0)
    except zerorpc.RemoteError as error:
        assert error.name == "DivisionByZero", f"name {error.name!r}"
        assert error.msg, "message is empty"
        print("divide RemoteError", error.name, error.msg)
        return
    raise AssertionError("divide(7, 0) did not raise")


def check_stream(client):
    items = list(client.countdown(5))
    assert items == [5, 4, 3, 2, 1], f"countdown(5) gave {items!r}"
    many = list(client.countdown(300))
    assert many == list(range(300, 0, -1)), "countdown(300) (needs flow control)"
    assert list(client.countdown(0)) == [], "countdown(0)"
    print("countdown ok")


def check_long_call(client):
    # Outlives three heartbeat intervals of 1 s: both sides must keep heartbeating.
    assert client.sleep(3500) == 3500, "sleep(3500)"
    print("long call ok")


def check_unknown_method(client):
    try:
        client.no_such_method(1)
    except zerorpc.RemoteError as error:
        assert error.name == "NameError", f"name {error.name!r}"
        print("unknown method RemoteError", error.name, error.msg)
        return
    raise AssertionError("no_such_method did not raise")


def check_types(client):
    point = client.translate({"x": 1.0, "y": 2.0, "label": "p", "extra": 1}, 1.5, -2)
    assert point["x"] == 2.5 and point["y"] == 0.0, f"translate gave {point!r}"
    assert point["label"] == "p" and point["tags"] == [], f"translate gave {point!r}"
    counts = client.classify(
        [{"int": 5}, {"text": "a"}, {"int": 6}, {"point": {"x": 0, "y": 0}}]
    )
    assert counts == {"int": 2, "text": 1, "point": 1}, f"classify gave {counts!r}"
    assert client.echo_bytes(b"\x00\xff") == b"\x00\xff", "echo_bytes(bin)"
    assert client.echo_bytes("text") == b"text", "echo_bytes(str)"
    assert client.shapes() == ["Circle", "Square", "Triangle"], "shapes()"
    print("types ok")


SCENARIOS = {
    "add": check_add,
    "divide": check_divide_by_zero,
    "stream": check_stream,
    "long": check_long_call,
    "unknown": check_unknown_method,
    "types": check_types,
}


def main():
    endpoint, scenario = sys.argv[1], sys.argv[2]
    heartbeat = float(sys.argv[3]) if len(sys.argv) > 3 else 5
    client = zerorpc.Client(endpoint, timeout=10, heartbeat=heartbeat)
    try:
        SCENARIOS[scenario](client)
    finally:
        client.close()


if __name__ == "__main__":
    main()
