#!/usr/bin/env python3
"""A TLS client for the HTTPS tests: one JSON argument in, one JSON line out.

{"port": P, "ca": FILE, "sni": NAME|null, "requests": [{"method", "path", "body",
 "chunked", "headers"}], "min": "1.2", "max": "1.3", "alpn": ["http/1.1"],
 "cert": FILE, "key": FILE, "resume": true, "ciphers": "...", "pause": seconds,
 "pipeline": true (every request sent in one write, then the responses read),
 "record_drip": seconds (TLS over memory BIOs: each request's records reach the socket a
 byte at a time, `record_drip` apart)}

Prints {"ok": true, "version", "cipher", "alpn", "subject", "san", "responses":
[{"status", "headers", "body"}], "reused"} or {"ok": false, "error": "..."}.
"""
import json
import socket
import ssl
import sys
import time
import zlib

VERSIONS = {"1.1": ssl.TLSVersion.TLSv1_1, "1.2": ssl.TLSVersion.TLSv1_2,
            "1.3": ssl.TLSVersion.TLSv1_3}


def make_context(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(args["ca"])
    ctx.check_hostname = args.get("sni") is not None and args.get("check_hostname", True)
    if "min" in args:
        if args["min"] == "1.1":
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.minimum_version = VERSIONS[args["min"]]
    if "max" in args:
        ctx.maximum_version = VERSIONS[args["max"]]
    if "ciphers" in args:
        ctx.set_ciphers(args["ciphers"])
    if "alpn" in args:
        ctx.set_alpn_protocols(args["alpn"])
    if "cert" in args:
        ctx.load_cert_chain(args["cert"], args["key"])
    return ctx


def read_exactly(sock, buffer, size):
    while len(buffer) < size:
        data = sock.recv(65536)
        if not data:
            raise EOFError("connection closed mid-body")
        buffer += data
    return buffer[:size], buffer[size:]


def read_line(sock, buffer):
    while b"\r\n" not in buffer:
        data = sock.recv(65536)
        if not data:
            raise EOFError("connection closed mid-line")
        buffer += data
    line, _, rest = buffer.partition(b"\r\n")
    return line, rest


def read_response(sock, buffer, head_request=False):
    while b"\r\n\r\n" not in buffer:
        data = sock.recv(65536)
        if not data:
            raise EOFError("connection closed before a response")
        buffer += data
    head, _, buffer = buffer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    body = b""
    if head_request or status in (101, 204, 304):
        pass
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            line, buffer = read_line(sock, buffer)
            size = int(line.split(b";")[0], 16)
            if size == 0:
                while True:
                    line, buffer = read_line(sock, buffer)
                    if not line:
                        break
                break
            chunk, buffer = read_exactly(sock, buffer, size + 2)
            body += chunk[:-2]
    elif "content-length" in headers:
        body, buffer = read_exactly(sock, buffer, int(headers["content-length"]))
    return {"status": status, "headers": headers, "body": body[:4096].decode("latin-1"),
            "body_len": len(body), "body_crc": zlib.crc32(body)}, buffer


def request_bytes(request, host):
    method = request.get("method", "GET")
    body = request.get("body", "").encode()
    if "body_bytes" in request:  # a large body: bytes 0..250 over and over
        body = bytes(i % 251 for i in range(request["body_bytes"]))
    lines = [f"{method} {request.get('path', '/')} HTTP/1.1", f"Host: {host}"]
    for name, value in request.get("headers", {}).items():
        lines.append(f"{name}: {value}")
    if request.get("chunked"):
        lines.append("Transfer-Encoding: chunked")
        payload = b""
        for i in range(0, len(body), 7):
            piece = body[i:i + 7]
            payload += b"%x\r\n" % len(piece) + piece + b"\r\n"
        payload += b"0\r\n\r\n"
    else:
        if body or method in ("POST", "PUT"):
            lines.append(f"Content-Length: {len(body)}")
        payload = body
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


class DrippingTls:
    """TLS over a pair of memory BIOs on a plain socket, so that the records of
    what is sent can reach the server a byte at a time (a record split over
    many TCP segments). recv/sendall like an SSLSocket."""

    def __init__(self, ctx, args):
        self.raw = socket.create_connection(("127.0.0.1", args["port"]),
                                            timeout=args.get("timeout", 10))
        self.raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.pause = args["record_drip"]
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = ctx.wrap_bio(self.incoming, self.outgoing, server_hostname=args.get("sni"))
        while True:
            try:
                self.tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                self.raw.sendall(self.outgoing.read())
                self.fill()
        self.raw.sendall(self.outgoing.read())
        self.session_reused = False
        self.session = None

    def fill(self):
        data = self.raw.recv(65536)
        if data:
            self.incoming.write(data)
        else:
            self.incoming.write_eof()

    def sendall(self, data):
        self.tls.write(data)
        for byte in self.outgoing.read():
            self.raw.sendall(bytes([byte]))
            time.sleep(self.pause)

    def recv(self, size):
        while True:
            try:
                return self.tls.read(size)
            except ssl.SSLWantReadError:
                self.fill()
            except ssl.SSLZeroReturnError:
                return b""

    def __getattr__(self, name):  # version, cipher, getpeercert, ...
        return getattr(self.tls, name)

    def close(self):
        self.raw.close()


def converse(ctx, args, session=None):
    if "record_drip" in args:
        sock = DrippingTls(ctx, args)
    else:
        raw = socket.create_connection(("127.0.0.1", args["port"]),
                                       timeout=args.get("timeout", 10))
        sock = ctx.wrap_socket(raw, server_hostname=args.get("sni"), session=session)
    out = {"ok": True, "version": sock.version(), "cipher": sock.cipher()[0],
           "alpn": sock.selected_alpn_protocol(), "reused": sock.session_reused}
    cert = sock.getpeercert()
    out["subject"] = dict(x[0] for x in cert.get("subject", ()))
    out["san"] = [v for k, v in cert.get("subjectAltName", ()) if k == "DNS"]
    responses = []
    buffer = b""
    host = args.get("host", args.get("sni") or "localhost")
    if args.get("pipeline"):
        sock.sendall(b"".join(request_bytes(r, host) for r in args.get("requests", [])))
    for request in args.get("requests", []):
        if not args.get("pipeline"):
            sock.sendall(request_bytes(request, host))
        response, buffer = read_response(sock, buffer, request.get("method") == "HEAD")
        responses.append(response)
        if "pause" in args:
            time.sleep(args["pause"])
    if args.get("raw"):
        # After the requests: raw bytes both ways (a WebSocket frame and its echo).
        sock.sendall(bytes.fromhex(args["raw"]))
        want = args.get("raw_expect", 1)
        got = buffer
        while len(got) < want:
            data = sock.recv(65536)
            if not data:
                break
            got += data
        out["raw_reply"] = got.hex()
    out["responses"] = responses
    session = sock.session
    try:
        sock.unwrap() if args.get("close_notify") else None
    except (OSError, ssl.SSLError):
        pass
    sock.close()
    return out, session


def drip(args):
    """A real ClientHello sent a byte at a time every `drip` seconds: whether
    the server closed before it was all sent."""
    ctx = make_context(args)
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(incoming, outgoing, server_hostname=args.get("sni"))
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = outgoing.read()
    sock = socket.create_connection(("127.0.0.1", args["port"]), timeout=args.get("timeout", 10))
    sent = 0
    try:
        for byte in hello:
            sock.sendall(bytes([byte]))
            sent += 1
            time.sleep(args["drip"])
            sock.setblocking(False)
            try:
                if sock.recv(65536) == b"":
                    return {"ok": True, "closed": True, "sent": sent, "of": len(hello)}
            except BlockingIOError:
                pass
            finally:
                sock.setblocking(True)
    except OSError:
        return {"ok": True, "closed": True, "sent": sent, "of": len(hello)}
    return {"ok": True, "closed": False, "sent": sent, "of": len(hello)}


def hold(args):
    """`hold` connections, each after one request, kept open (idle) for
    `seconds`; prints "open" once they all are."""
    ctx = make_context(args)
    kept = []
    for _ in range(args["hold"]):
        sock = ctx.wrap_socket(socket.create_connection(("127.0.0.1", args["port"])),
                               server_hostname=args.get("sni"))
        sock.sendall(request_bytes({"path": "/"}, "localhost"))
        read_response(sock, b"")
        kept.append(sock)
    print("open", flush=True)
    time.sleep(args["seconds"])


def main():
    args = json.loads(sys.argv[1])
    if "hold" in args:
        hold(args)
        return
    if "drip" in args:
        print(json.dumps(drip(args)))
        return
    try:
        ctx = make_context(args)
        out, session = converse(ctx, args)
        if args.get("resume"):
            again, _ = converse(ctx, args, session)
            out["reused"] = again["reused"]
            out["responses"] += again["responses"]
    except (OSError, ssl.SSLError, EOFError, ValueError) as error:
        out = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
