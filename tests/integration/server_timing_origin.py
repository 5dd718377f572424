"""An origin that reports where its time went in Server-Timing, honestly and
hostilely, for the integration tests of the gateway's origin timing (issue 15,
point 3). Standard library only (http.server), HTTP/1.1 keep-alive.

Usage: server_timing_origin.py PORT. It binds 127.0.0.1:PORT with
SO_REUSEPORT, as the test holds the port reserved (loopback_socket.h), and
prints "ready" once it listens. The last path segment picks the answer, so
every route prefix reaches the same handlers:

  timed      three Server-Timing lines in three spellings: db 12.3 + 7.7, app 4.5,
             cache (no duration)
  hostile    ~2000 random metric names, values that are not durations, a name
             far past the parser's bound, an unterminated quoted string
  random     one metric with a new random name each time
  cacheable  max-age=60 and db;dur=50
  trailer    a chunked body whose trailer section carries Server-Timing
  plain      no Server-Timing at all
"""
import http.server
import secrets
import socket
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16  # head and body in one write

    def do_GET(self):
        kind = self.path.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        body = b'{"ok":true}'
        if kind == "trailer":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Trailer", "Server-Timing")
            self.end_headers()
            self.wfile.write(b"%x\r\n%s\r\n0\r\n" % (len(body), body))
            self.wfile.write(b"Server-Timing: trailer-secret;dur=1\r\n\r\n")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if kind == "timed":
            self.send_header("Server-Timing", 'db;dur=12.3;desc="3 queries"')
            self.send_header("server-timing", "app;dur=4.5, db;dur=7.7")
            self.send_header("SERVER-TIMING", "cache;desc=miss")
        elif kind == "hostile":
            names = ", ".join(f"m{secrets.token_hex(4)};dur=1" for _ in range(2000))
            self.send_header("Server-Timing", names)
            self.send_header("Server-Timing",
                             'x;dur=1e999, y;dur=-1, z;dur=NaN, "q";dur=2, ok;dur=3, '
                             'w;desc="unterminated, v;dur=4')
            self.send_header("Server-Timing", "n" * 5000 + ";dur=5")
        elif kind == "random":
            self.send_header("Server-Timing", f"r{secrets.token_hex(6)};dur=1.5")
        elif kind == "cacheable":
            self.send_header("Cache-Control", "max-age=60")
            self.send_header("Server-Timing", "db;dur=50")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self):
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        super().server_bind()


def main():
    server = Server(("127.0.0.1", int(sys.argv[1])), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
