"""A WebSocket origin for the integration tests: a FastAPI app as users write
them, served by uvicorn (Debian's python3-fastapi, python3-uvicorn and
python3-websockets).

Usage: websocket_origin.py PORT. It binds 127.0.0.1:PORT with SO_REUSEPORT, as
the test holds the port reserved (loopback_socket.h), and prints "ready" once
it listens.
"""
import json
import socket
import sys

import uvicorn
from fastapi import FastAPI, Request, WebSocket, WebSocketDisconnect

app = FastAPI()


@app.websocket("/ws/echo")
async def echo(ws: WebSocket):
    """Sends back every message as it came (text as text, bytes as bytes); prints
    "echo closed CODE" when the client's side ends (1006: without a close frame)."""
    await ws.accept()
    try:
        while True:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                print("echo closed", message.get("code"), flush=True)
                return
            if message.get("text") is not None:
                await ws.send_text(message["text"])
            elif message.get("bytes") is not None:
                await ws.send_bytes(message["bytes"])
    except WebSocketDisconnect as disconnect:
        print("echo closed", disconnect.code, flush=True)
        return


@app.websocket("/ws/headers")
async def headers(ws: WebSocket):
    """Accepts the first subprotocol offered, then sends the handshake's fields as JSON."""
    offered = ws.scope.get("subprotocols") or []
    await ws.accept(subprotocol=offered[0] if offered else None)
    await ws.send_text(json.dumps(dict(ws.headers)))
    try:
        while True:
            if (await ws.receive())["type"] == "websocket.disconnect":
                return
    except WebSocketDisconnect:
        return


@app.websocket("/ws/goodbye")
async def goodbye(ws: WebSocket):
    """Says one thing and closes the connection itself (code 1000)."""
    await ws.accept()
    await ws.send_text("goodbye")
    await ws.close(code=1000)


@app.get("/{path:path}")
async def plain(path: str, request: Request):
    """A plain GET (an upgrade the gateway did not forward): the fields it came with."""
    return {"path": "/" + path, "headers": dict(request.headers)}


def main():
    port = int(sys.argv[1])
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(128)
    print("ready", flush=True)
    config = uvicorn.Config(app, log_level="warning", ws="websockets", ws_max_size=4 * 1024 * 1024)
    uvicorn.Server(config).run(sockets=[listener])


if __name__ == "__main__":
    main()
