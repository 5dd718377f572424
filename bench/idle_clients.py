#!/usr/bin/env python3
"""Holds N idle keep-alive client connections open against a server and reports its RSS.

Each connection makes one GET and reads the whole response, so the server sees it in
the state that matters: a keep-alive client between requests. Then all sit idle while
the server's resident memory is read from /proc.

    idle_clients.py --port 18730 --path /small --count 10000 --pid PID [--pid PID...]
prints: rss_before_kib rss_after_kib connections_open
"""

import argparse
import socket
import sys
import time


def rss_kib(pids):
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def read_response(sock):
    """Reads one response with a Content-Length body; returns False if the server closed."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return False
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return False
        body += chunk
    return head.startswith(b"HTTP/1.1 2")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/small")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--pid", type=int, action="append", required=True)
    parser.add_argument("--settle", type=float, default=2.0, help="seconds idle before measuring")
    args = parser.parse_args()

    request = f"GET {args.path} HTTP/1.1\r\nHost: {args.host}\r\n\r\n".encode()
    before = rss_kib(args.pid)
    connections = []
    try:
        for _ in range(args.count):
            sock = socket.create_connection((args.host, args.port), timeout=10)
            sock.sendall(request)
            if not read_response(sock):
                print(f"idle_clients: connection {len(connections)} failed", file=sys.stderr)
                sock.close()
                break
            connections.append(sock)
        time.sleep(args.settle)
        after = rss_kib(args.pid)
        # A connection the server closed meanwhile reads as EOF; count only the live ones.
        alive = 0
        for sock in connections:
            sock.setblocking(False)
            try:
                alive += sock.recv(1) != b""
            except BlockingIOError:
                alive += 1
            except OSError:
                pass
    except OSError as error:
        print(f"idle_clients: {error} after {len(connections)} connections", file=sys.stderr)
        after, alive = rss_kib(args.pid), len(connections)
    finally:
        for sock in connections:
            sock.close()
    print(before, after, alive)


if __name__ == "__main__":
    main()
