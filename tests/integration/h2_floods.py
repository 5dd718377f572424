"""HTTP/2 floods for h2_client.py, with frames written by hand (struct + hpack):
python3-h2 refuses to send them. Each writes as fast as it can on one h2c
connection, reads what the server says between batches (unless it must never
be read), stops writing once the server sent GOAWAY or closed, then reads until
the server closes or the socket times out, and reports what it saw.
"""
import os
import socket
import struct
import time

import hpack

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = (
    0, 1, 3, 4, 6, 7, 8, 9)
END_STREAM, ACK, END_HEADERS, PADDED, PRIORITY_FLAG = 0x1, 0x1, 0x4, 0x8, 0x20
CANCEL = 0x8


def connect(args):
    sock = socket.create_connection(("127.0.0.1", args["port"]), timeout=args.get("timeout", 10))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class RawClient:
    """Frames written by hand, the server's frames parsed back (HPACK state kept)."""

    def __init__(self, args):
        self.args = args
        self.sock = connect(args)
        self.timeout = args.get("timeout", 10)
        self.encoder = hpack.Encoder()
        self.decoder = hpack.Decoder()
        self.inbuf = b""
        self.outbuf = bytearray()
        self.block = b""
        self.goaway = None
        self.resets = 0
        self.responses = 0
        self.statuses = {}
        self.closed = False
        self.close_how = None
        self.write_failed = False
        self.server_settings = False  # the server spoke HTTP/2 at all
        self.sent = 0
        self.conn_window = 65535  # what the server's connection window lets us send
        self.stream_status = {}   # stream id -> its response's :status
        self.reset_codes = {}     # stream id -> the server's RST_STREAM error code

    def frame(self, kind, flags, stream_id, payload=b""):
        self.outbuf += struct.pack(">I", len(payload))[1:] + struct.pack(">BBI", kind, flags,
                                                                          stream_id) + payload
        self.sent += 1

    def flush(self):
        if self.outbuf and not self.closed and not self.write_failed:
            try:
                self.sock.sendall(self.outbuf)
            except socket.timeout:
                self.close_how = "send_timeout"
                raise
            except OSError:
                # The server closed; what it sent before (GOAWAY) is still to be read.
                self.write_failed = True
        self.outbuf = bytearray()

    def start(self, args):
        self.outbuf += PREFACE
        self.frame(SETTINGS, 0, 0)
        # "together": the preface and the whole flood in one write, so the
        # server's first read (the one that finds the preface) holds it all.
        self.batch = float("inf") if args.get("together") else 16384
        if not args.get("together"):
            self.flush()

    def headers_block(self, path, method="GET"):
        return self.encoder.encode([(":method", method), (":scheme", "http"),
                                    (":authority", "localhost"), (":path", path)])

    def poll(self, blocking):
        """Reads what is there (or waits for something when blocking)."""
        if self.closed:
            return False
        self.sock.setblocking(blocking)
        if blocking:
            self.sock.settimeout(self.timeout)
        try:
            data = self.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return True
        except socket.timeout:
            raise
        except OSError:
            data = None
        finally:
            self.sock.settimeout(self.timeout)
        if not data:
            self.closed, self.close_how = True, "eof" if data == b"" else "reset"
            return False
        self.inbuf += data
        self.parse()
        return True

    def parse(self):
        while len(self.inbuf) >= 9:
            length = struct.unpack(">I", b"\0" + self.inbuf[:3])[0]
            if len(self.inbuf) < 9 + length:
                return
            kind, flags, stream_id = struct.unpack(">BBI", self.inbuf[3:9])
            payload, self.inbuf = self.inbuf[9:9 + length], self.inbuf[9 + length:]
            self.on_frame(kind, flags, stream_id & 0x7FFFFFFF, payload)

    def on_frame(self, kind, flags, stream_id, payload):
        if kind == SETTINGS and not flags & ACK:
            self.server_settings = True
            self.frame(SETTINGS, ACK, 0)
        elif kind == GOAWAY and self.goaway is None:
            last, code = struct.unpack(">II", payload[:8])
            self.goaway = {"error_code": code, "last_stream_id": last & 0x7FFFFFFF}
        elif kind == RST_STREAM:
            self.resets += 1
            self.reset_codes[stream_id] = struct.unpack(">I", payload[:4])[0]
        elif kind == WINDOW_UPDATE and stream_id == 0:
            self.conn_window += struct.unpack(">I", payload[:4])[0] & 0x7FFFFFFF
        elif kind in (HEADERS, CONTINUATION):
            if kind == HEADERS:
                pad = payload[0] if flags & PADDED else 0
                start = (1 if flags & PADDED else 0) + (5 if flags & PRIORITY_FLAG else 0)
                payload = payload[start:len(payload) - pad]
            self.block += payload
            if flags & END_HEADERS:
                self.responses += 1
                for name, value in self.decoder.decode(self.block):
                    if name == ":status":
                        self.statuses[value] = self.statuses.get(value, 0) + 1
                        self.stream_status[stream_id] = int(value)
                self.block = b""

    def finish(self):
        """Reads until the server closes or the socket times out."""
        try:
            self.flush()
            while self.poll(True):
                pass
        except socket.timeout:
            pass
        return {"ok": True, "goaway": self.goaway, "closed": self.closed,
                "close_how": self.close_how, "write_failed": self.write_failed,
                "server_settings": self.server_settings,
                "sent": self.sent, "rst_received": self.resets,
                "responses_received": self.responses, "statuses": self.statuses}


def flood(args, write_one, read_during=True):
    """Writes `count` units with write_one(client, i), in batches, reading what
    the server said between batches (unless it must never be read); stops
    writing once the server sent GOAWAY or closed."""
    client = RawClient(args)
    client.start(args)
    try:
        for i in range(args.get("count", 5000)):
            write_one(client, i)
            if len(client.outbuf) >= client.batch:
                client.flush()
                if read_during:
                    client.poll(False)
            if client.closed or client.goaway or client.write_failed:
                break
    except socket.timeout:
        pass
    return client.finish()


def rapid_reset(client, i):
    stream_id = 2 * i + 1
    path = client.args.get("path", "/rapid-reset")
    client.frame(HEADERS, END_HEADERS | END_STREAM, stream_id, client.headers_block(path))
    if client.args.get("flush_each"):
        # Its own segment: the server may start the stream before the reset.
        client.flush()
        client.poll(False)
    client.frame(RST_STREAM, 0, stream_id, struct.pack(">I", CANCEL))
    if client.args.get("flush_each"):
        client.flush()


def wait_for_file(client, path, timeout):
    """Serves the connection (SETTINGS acks) until the test creates `path`."""
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > deadline or client.closed:
            return False
        client.flush()
        client.poll(False)
        time.sleep(0.01)
    return True


def reset_then_fill(args):
    """`count` GETs of `path`; once the test creates the file `reset_when`,
    RST_STREAM(CANCEL) on each; once it creates `fill_when`, `fill` GETs of
    `fill_path` at once, read until each has a response head or a reset."""
    client = RawClient(args)
    client.start(args)
    count, fill, wait = args["count"], args["fill"], args.get("wait", 60)
    cancelled = [2 * i + 1 for i in range(count)]
    filled = [2 * (count + i) + 1 for i in range(fill)]
    try:
        for stream_id in cancelled:
            client.frame(HEADERS, END_HEADERS | END_STREAM, stream_id,
                         client.headers_block(args["path"]))
        if not wait_for_file(client, args["reset_when"], wait):
            return {"ok": False, "error": "no signal to reset", "goaway": client.goaway}
        for stream_id in cancelled:
            client.frame(RST_STREAM, 0, stream_id, struct.pack(">I", CANCEL))
        if not wait_for_file(client, args["fill_when"], wait):
            return {"ok": False, "error": "no signal to fill", "goaway": client.goaway}
        for stream_id in filled:
            client.frame(HEADERS, END_HEADERS | END_STREAM, stream_id,
                         client.headers_block(args["fill_path"]))
        client.flush()
        while client.poll(True) and any(
                s not in client.stream_status and s not in client.reset_codes for s in filled):
            pass
    except socket.timeout:
        pass
    statuses = [client.stream_status.get(s) for s in filled]
    return {"ok": True, "goaway": client.goaway, "closed": client.closed,
            "fill_ok": sum(1 for status in statuses if status == 200),
            "fill_refused": sum(1 for s in filled if s in client.reset_codes),
            "cancelled_answered": sum(1 for s in cancelled if s in client.stream_status)}


def continuation_flood(args):
    piece = args.get("piece", 4)
    count = args.get("count", 5000)
    client = RawClient(args)
    client.start(args)
    # One literal field (never indexed, RFC 7541 §6.2.3) whose value runs
    # through every CONTINUATION frame: the block never ends by itself.
    value_size = piece * count
    head = client.headers_block("/continuation")
    head += b"\x10" + bytes([len(b"x-flood")]) + b"x-flood" + hpack_length(value_size)

    def write_one(c, i):
        if i == 0:
            c.frame(HEADERS, END_STREAM, 1, head)
        else:
            c.frame(CONTINUATION, 0, 1, b"a" * piece)

    try:
        for i in range(count + 1):
            write_one(client, i)
            if len(client.outbuf) >= client.batch:
                client.flush()
                client.poll(False)
            if client.closed or client.goaway or client.write_failed:
                break
    except socket.timeout:
        pass
    return client.finish()


def hpack_length(n):
    """An HPACK string length, 7-bit prefix, no Huffman."""
    if n < 127:
        return bytes([n])
    out = bytearray([127])
    n -= 127
    while n >= 128:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def empty_data(client, i):
    if i == 0:
        client.frame(HEADERS, END_HEADERS, 1, client.headers_block("/empty-data", "POST"))
    client.frame(DATA, 0, 1)


def cancelled_uploads(args):
    """`count` uploads of 60,000 bytes, each cancelled (RST_STREAM) once sent,
    then one more upload: it goes through only if the bytes of the cancelled
    ones came back to the connection's window. Sends only what the window
    allows, as a client must."""
    client = RawClient(args)
    client.start(args)
    count = args.get("count", 40)
    piece = 15000
    stalled = False

    def send_data(stream_id, size, flags=0):
        client.flush()
        while client.conn_window < size and client.poll(True):
            pass
        client.frame(DATA, flags, stream_id, b"u" * size)
        client.conn_window -= size

    final = 2 * count + 1
    try:
        for i in range(count):
            stream_id = 2 * i + 1
            client.frame(HEADERS, END_HEADERS, stream_id,
                         client.headers_block("/cancelled", "POST"))
            for _ in range(4):
                send_data(stream_id, piece)
            client.frame(RST_STREAM, 0, stream_id, struct.pack(">I", CANCEL))
            client.flush()
            client.poll(False)
        client.frame(HEADERS, END_HEADERS, final, client.headers_block("/after-cancels", "POST"))
        send_data(final, 1000, END_STREAM)
        client.flush()
        while final not in client.stream_status and client.poll(True):
            pass
    except socket.timeout:
        stalled = True
    out = client.finish() if client.closed else {"ok": True, "goaway": client.goaway}
    out["stalled"] = stalled
    out["final_status"] = client.stream_status.get(final)
    return out


SCENARIOS = {
    "rapid_reset": lambda a: flood(a, rapid_reset),
    "continuation_flood": continuation_flood,
    "settings_flood": lambda a: flood(a, lambda c, i: c.frame(SETTINGS, 0, 0), False),
    "ping_flood": lambda a: flood(a, lambda c, i: c.frame(PING, 0, 0, struct.pack(">Q", i)),
                                  False),
    "empty_data_flood": lambda a: flood(a, empty_data),
    "cancelled_uploads": cancelled_uploads,
    "reset_then_fill": reset_then_fill,
}
