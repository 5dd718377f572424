#!/usr/bin/env python3
"""An HTTP/2 client for the HTTP/2 tests: one JSON argument in, one JSON line out.

Common members: {"port": P, "timeout": seconds (every socket read/write, 10),
 "tls": {"ca": FILE, "sni": NAME, "alpn": ["h2", "http/1.1"]} (absent: h2c with
 prior knowledge), "scenario": NAME (default "requests")}.

Scenarios:
  requests   python3-h2 drives the connection. {"requests": [{"method", "path",
             "authority", "scheme", "headers": [[n, v]..], "body": str,
             "body_bytes": n (instead of body: n bytes 0..250 over and over),
             "pieces": n (DATA frames the body is sent in), "trailers": [[n, v]..]
             (a HEADERS frame ending the stream after the body), "big_headers": bytes
             (x-big-N fields adding up to about that many bytes)}],
             "sequential": false (all streams at once) | true (one after another),
             "settings": {"INITIAL_WINDOW_SIZE": 1024, ...},
             "ack_delay": seconds (manual flow control: each DATA frame's bytes are
             given back in a WINDOW_UPDATE this long after it arrived),
             "raw_headers": true (no h2 validation or normalisation of what we send),
             "stall": true (no window is ever given back),
             "ping_flood": n (n PINGs once the responses' heads came),
             "wait_close": seconds (afterwards, read until the server closes)}
             Over TLS with ALPN other than h2, each request is HTTP/1.1 on its
             own connection ("protocol": "http/1.1").
  rapid_reset        {"count", "path", "flush_each"}: HEADERS then RST_STREAM(CANCEL),
                     count streams (flush_each: each frame its own write).
  reset_then_fill    {"count", "path", "reset_when", "fill_when", "fill", "fill_path"}:
                     count GETs, reset once the file reset_when exists, then fill
                     GETs once fill_when exists (h2_floods.py).
  continuation_flood {"count", "piece"}: HEADERS without END_HEADERS, then count
                     CONTINUATION frames of `piece` bytes of one header's value.
  settings_flood / ping_flood {"count"}: that many frames, never reading.
  empty_data_flood   {"count"}: a POST's HEADERS, then count empty non-final DATA.
  The floods are in h2_floods.py (h2c only): h2 refuses to send them.

Prints {"ok": true, "protocol", "alpn", "settings": {NAME: value}, "responses":
[{"stream", "status", "headers": [[n, v]..], "trailers": [[n, v]..], "body" (first 4 KiB), "body_len",
"body_crc", "reset" (error code or null), "ended"}], "goaway": {"error_code",
"last_stream_id"} | null, "events": [...], "closed": bool, "close_how": "eof" |
"reset" | null, "write_failed": a write found the connection closed, "sent": frames}
or {"ok": false, "error": "..."}.
"""
import json
import socket
import ssl
import sys
import time
import zlib

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings
import hpack

import h2_floods

def allow_frames_after_goaway():
    """h2 refuses every frame once a GOAWAY arrived; a draining server still
    finishes the streams it accepted, so receiving (and acknowledging) stays
    allowed. Only new streams are refused, by this script."""
    machine = h2.connection.H2ConnectionStateMachine
    closed = h2.connection.ConnectionState.CLOSED
    for name, value in h2.connection.ConnectionInputs.__members__.items():
        if name.startswith("RECV_") or (name.startswith("SEND_") and name != "SEND_HEADERS"):
            machine._transitions.setdefault((closed, value), (None, closed))


allow_frames_after_goaway()


def open_socket(args):
    raw = socket.create_connection(("127.0.0.1", args["port"]), timeout=args.get("timeout", 10))
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    tls = args.get("tls")
    if not tls:
        return raw, None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(tls["ca"])
    ctx.set_alpn_protocols(tls.get("alpn", ["h2", "http/1.1"]))
    sock = ctx.wrap_socket(raw, server_hostname=tls.get("sni", "localhost"))
    return sock, sock.selected_alpn_protocol()


def text(value):
    return value.decode("latin-1") if isinstance(value, bytes) else value


class Exchange:
    """One stream's request and what came back on it."""

    def __init__(self, request, stream_id):
        self.request = request
        self.stream = stream_id
        self.status = None
        self.headers = []
        self.trailers = []
        self.trailers_to_send = []
        self.body = bytearray()
        self.body_len = 0
        self.body_crc = 0
        self.reset = None
        self.ended = False
        self.informational = []  # 1xx statuses, in order
        # With "expect_continue", the body waits for the server's 100.
        self.wait_continue = bool(request.get("expect_continue"))

    def done(self):
        return self.ended or self.reset is not None

    def report(self):
        return {"stream": self.stream, "status": self.status, "headers": self.headers,
                "trailers": self.trailers,
                "body": bytes(self.body[:4096]).decode("latin-1"), "body_len": self.body_len,
                "body_crc": self.body_crc, "reset": self.reset, "ended": self.ended,
                "informational": self.informational}


class H2Client:
    """python3-h2 over a socket, every read bounded by the socket's timeout."""

    def __init__(self, args, sock):
        self.args = args
        self.sock = sock
        raw = args.get("raw_headers", False)
        config = h2.config.H2Configuration(
            client_side=True, header_encoding=None, validate_outbound_headers=not raw,
            normalize_outbound_headers=not raw, validate_inbound_headers=False,
            normalize_inbound_headers=False)
        self.conn = h2.connection.H2Connection(config=config)
        wanted = {h2.settings.SettingCodes[name]: value
                  for name, value in args.get("settings", {}).items()}
        if wanted:
            self.conn.local_settings = h2.settings.Settings(client=True, initial_values=wanted)
        self.exchanges = {}
        self.server_settings = {}
        self.goaway = None
        self.events = []
        self.closed = False
        self.close_how = None
        self.write_failed = False
        self.settings_acked = False
        self.settings_received = False
        self.connection_unacked = 0  # bytes received, not yet given back (manual mode)

    def note(self, event):
        if len(self.events) < 64:
            self.events.append(event)

    def flush(self):
        data = self.conn.data_to_send()
        if data and not self.closed and not self.write_failed:
            try:
                self.sock.sendall(data)
            except socket.timeout:
                raise
            except OSError:
                # What the server sent before it closed is still to be read.
                self.write_failed = True

    def read_once(self):
        """One read and its events; False once the connection is gone."""
        if self.closed:
            return False
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            raise
        except OSError:
            data = None
        if not data:
            self.closed, self.close_how = True, "eof" if data == b"" else "reset"
            self.note({"type": "closed", "how": self.close_how})
            return False
        for event in self.conn.receive_data(data):
            self.on_event(event)
        self.flush()
        return True

    def on_event(self, event):
        ex = self.exchanges.get(getattr(event, "stream_id", None))
        if isinstance(event, h2.events.RemoteSettingsChanged):
            self.settings_received = True
            for code, change in event.changed_settings.items():
                try:
                    name = h2.settings.SettingCodes(code).name
                except ValueError:
                    name = str(code)
                self.server_settings[name] = change.new_value
        elif isinstance(event, h2.events.SettingsAcknowledged):
            self.settings_acked = True
        elif isinstance(event, h2.events.ResponseReceived) and ex:
            ex.headers = [[text(n), text(v)] for n, v in event.headers]
            for name, value in ex.headers:
                if name == ":status":
                    ex.status = int(value)
        elif isinstance(event, h2.events.InformationalResponseReceived) and ex:
            for name, value in event.headers:
                if text(name) == ":status":
                    ex.informational.append(int(text(value)))
        elif isinstance(event, h2.events.TrailersReceived) and ex:
            ex.trailers += [[text(n), text(v)] for n, v in event.headers]
        elif isinstance(event, h2.events.DataReceived):
            self.on_data(event, ex)
        elif isinstance(event, h2.events.StreamEnded) and ex:
            ex.ended = True
            self.note({"type": "end", "stream": ex.stream})
        elif isinstance(event, h2.events.StreamReset):
            if ex:
                ex.reset = int(event.error_code)
            self.note({"type": "rst", "stream": event.stream_id, "code": int(event.error_code)})
        elif isinstance(event, h2.events.ConnectionTerminated):
            self.goaway = {"error_code": int(event.error_code),
                           "last_stream_id": event.last_stream_id}
            self.note(dict(type="goaway", **self.goaway))

    def on_data(self, event, ex):
        if ex:
            ex.body_len += len(event.data)
            ex.body_crc = zlib.crc32(event.data, ex.body_crc)
            if len(ex.body) < 4096:
                ex.body += event.data[:4096 - len(ex.body)]
        length = event.flow_controlled_length
        if self.args.get("stall"):
            return  # never gives a byte of window back
        if "ack_delay" not in self.args:
            self.conn.acknowledge_received_data(length, event.stream_id)
            return
        # A slow reader: each frame's bytes come back on their own, late.
        time.sleep(self.args["ack_delay"])
        if length and ex and not ex.done():
            try:
                self.conn.increment_flow_control_window(length, event.stream_id)
            except h2.exceptions.StreamClosedError:
                pass  # that was the last frame (END_STREAM is reported after it)
        self.connection_unacked += length
        if self.connection_unacked >= 32768:
            self.conn.increment_flow_control_window(self.connection_unacked)
            self.connection_unacked = 0

    def handshake(self):
        self.conn.initiate_connection()
        self.flush()
        while not (self.settings_acked and self.settings_received) and self.read_once():
            pass

    def open_stream(self, request):
        method = request.get("method", "GET")
        headers = [(":method", method), (":scheme", request.get("scheme", "http")),
                   (":authority", request.get("authority", "localhost")),
                   (":path", request.get("path", "/"))]
        headers += [tuple(h) for h in request.get("headers", [])]
        if request.get("expect_continue"):
            headers.append(("expect", "100-continue"))
        for i in range(request.get("big_headers", 0) // 8000):
            headers.append((f"x-big-{i}", "b" * 8000))
        headers = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in headers]
        body = request.get("body", "").encode("latin-1")
        if "body_bytes" in request:  # a large body: bytes 0..250 over and over
            body = bytes(i % 251 for i in range(request["body_bytes"]))
        trailers = [(n.encode("latin-1"), v.encode("latin-1"))
                    for n, v in request.get("trailers", [])]
        stream_id = self.conn.get_next_available_stream_id()
        self.conn.send_headers(stream_id, headers, end_stream=not body and not trailers)
        ex = Exchange(request, stream_id)
        ex.trailers_to_send = trailers
        self.exchanges[stream_id] = ex
        pieces = max(1, request.get("pieces", 1))
        size = -(-len(body) // pieces) if body else 0
        ex.pending = [body[i:i + size] for i in range(0, len(body), size)] if body else []
        if not ex.pending and trailers:
            self.send_trailers(ex)
        return ex

    def send_trailers(self, ex):
        if ex.trailers_to_send:
            self.conn.send_headers(ex.stream, ex.trailers_to_send, end_stream=True)
            ex.trailers_to_send = []

    def send_bodies(self, exchanges):
        """Round-robin, a piece per stream per turn, as flow control allows."""
        while any(ex.pending for ex in exchanges) and not self.closed:
            progressed = False
            for ex in exchanges:
                if not ex.pending or ex.done():
                    ex.pending = [] if ex.done() else ex.pending
                    continue
                if ex.wait_continue and 100 not in ex.informational:
                    continue
                # A piece goes in one DATA frame when window and frame size
                # allow, else in as many as they do.
                allowed = min(self.conn.local_flow_control_window(ex.stream),
                              self.conn.max_outbound_frame_size)
                if allowed <= 0:
                    continue
                piece = ex.pending.pop(0)
                if len(piece) > allowed:
                    piece, rest = piece[:allowed], piece[allowed:]
                    ex.pending.insert(0, rest)
                self.conn.send_data(ex.stream, piece,
                                    end_stream=not ex.pending and not ex.trailers_to_send)
                if not ex.pending:
                    self.send_trailers(ex)
                progressed = True
            self.flush()
            # (A stream that ended above dropped its pending body: nothing to wait for.)
            waiting = any(ex.pending for ex in exchanges)
            if waiting and not progressed and not self.read_once():
                break

    def run(self, requests, sequential):
        batches = [[r] for r in requests] if sequential else [requests]
        skipped = []
        for batch in batches:
            if self.goaway or self.closed:
                skipped += batch
                continue
            opened = [self.open_stream(r) for r in batch]
            self.flush()
            self.send_bodies(opened)
            if "ping_flood" in self.args:
                self.ping_flood(opened, self.args["ping_flood"])
            while not all(ex.done() for ex in opened) and self.read_once():
                pass
        return skipped

    def ping_flood(self, opened, count):
        """Once every stream has its response head: `count` PINGs, as fast as
        they can be written (a flood, with responses in flight)."""
        while not all(ex.status or ex.done() for ex in opened) and self.read_once():
            pass
        for i in range(count):
            self.conn.ping(i.to_bytes(8, "big"))
            if i % 500 == 499:
                self.flush()
        self.flush()


def http1_request(args, request):
    """One HTTP/1.1 request on its own TLS connection (ALPN chose http/1.1)."""
    sock, alpn = open_socket(args)
    body = request.get("body", "").encode("latin-1")
    head = [f"{request.get('method', 'GET')} {request.get('path', '/')} HTTP/1.1",
            f"Host: {request.get('authority', 'localhost')}", "Connection: close",
            f"Content-Length: {len(body)}"]
    head += [f"{n}: {v}" for n, v in request.get("headers", [])]
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, payload = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = [[n.strip().lower(), v.strip()] for n, _, v in (l.partition(":") for l in lines[1:])]
    if any(n == "transfer-encoding" and "chunked" in v.lower() for n, v in headers):
        payload = dechunk(payload)
    return alpn, {"stream": None, "status": int(lines[0].split(" ")[1]), "headers": headers,
                  "body": payload[:4096].decode("latin-1"), "body_len": len(payload),
                  "body_crc": zlib.crc32(payload), "reset": None, "ended": True}


def dechunk(payload):
    body = b""
    while payload:
        line, _, payload = payload.partition(b"\r\n")
        size = int(line.split(b";")[0], 16)
        if size == 0:
            break
        body, payload = body + payload[:size], payload[size + 2:]
    return body


def requests_scenario(args):
    sock, alpn = open_socket(args)
    if args.get("tls") and alpn != "h2":
        sock.close()
        responses = []
        for request in args.get("requests", []):
            alpn, response = http1_request(args, request)
            responses.append(response)
        return {"ok": True, "protocol": "http/1.1", "alpn": alpn, "responses": responses}
    client = H2Client(args, sock)
    skipped, timed_out = [], False
    try:
        client.handshake()
        skipped = client.run(args.get("requests", []), args.get("sequential", False))
        if "wait_close" in args:
            sock.settimeout(args["wait_close"])
            while client.read_once():
                pass
    except socket.timeout:
        timed_out = True
    return {"ok": True, "protocol": "h2", "alpn": alpn, "settings": client.server_settings,
            "responses": [ex.report() for ex in client.exchanges.values()],
            "skipped": len(skipped), "goaway": client.goaway, "events": client.events,
            "closed": client.closed, "close_how": client.close_how,
            "write_failed": client.write_failed, "timed_out": timed_out}


def main():
    args = json.loads(sys.argv[1])
    try:
        name = args.get("scenario", "requests")
        out = requests_scenario(args) if name == "requests" else h2_floods.SCENARIOS[name](args)
    except (OSError, ssl.SSLError, ValueError, KeyError, h2.exceptions.ProtocolError,
            hpack.HPACKError) as error:
        out = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
