"""Edit-to-reload latency of `build.py serve`, seen from a livereload client.

A tiny RFC 6455 client over a raw socket (the standard library has none, and one
page of code beats a new dependency for the project's installs). It speaks the
livereload protocol as livereload.js does: `hello`, then `info` with a page URL
(the server only sends `reload` to clients that sent `info`).

What the figure includes, as a reader of the page would see it: how the server learns of
the change (inotify and a 20 ms settling time; with `serve --poll`, walks every 0.25 s or
less often when a walk takes longer: atlas/serve.py), the rebuild and the message itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import struct
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
# livereload's own loop dropped a change within 3 s of its last reload; the project's watcher
# no longer does, but edits stay this far apart so that each one's latency is its own.
QUIET_SECONDS = 3.5


class WebSocketClosed(Exception):
    pass


class WebSocket:
    def __init__(self, host: str, port: int, path: str, timeout: float = 10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                   f"Origin: http://{host}:{port}\r\n\r\n")
        self.sock.sendall(request.encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise WebSocketClosed("connection closed during the handshake")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        if " 101 " not in lines[0] + " ":
            raise WebSocketClosed(f"handshake refused: {lines[0]}")
        expected = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:] if ":" in l)}
        if headers.get("sec-websocket-accept") != expected:
            raise WebSocketClosed("bad Sec-WebSocket-Accept")

    def send_text(self, text: str) -> None:
        self._send(0x1, text.encode())

    def _send(self, opcode: int, payload: bytes) -> None:
        header = bytes([0x80 | opcode])
        length = len(payload)
        if length < 126:
            header += bytes([0x80 | length])
        elif length < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack("!H", length)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", length)
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def receive(self, timeout: float) -> str | None:
        """The next text message, or None when none arrives within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        message = b""
        while True:
            frame = self._frame(deadline)
            if frame is None:
                return None
            fin, opcode, payload = frame
            if opcode == 0x8:
                raise WebSocketClosed("server closed the connection")
            if opcode == 0x9:
                self._send(0xA, payload)
                continue
            if opcode in (0x1, 0x0, 0x2):
                message += payload
                if fin:
                    return message.decode("utf-8", "replace")

    def _frame(self, deadline: float):
        first = self._read(2, deadline)
        if first is None:
            return None
        fin, opcode = first[0] & 0x80, first[0] & 0x0F
        length = first[1] & 0x7F
        masked = first[1] & 0x80
        if length == 126:
            length = struct.unpack("!H", self._read(2, None))[0]
        elif length == 127:
            length = struct.unpack("!Q", self._read(8, None))[0]
        mask = self._read(4, None) if masked else None
        payload = self._read(length, None) if length else b""
        if mask:
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        return bool(fin), opcode, payload

    def _read(self, count: int, deadline: float | None) -> bytes | None:
        """`count` bytes; None if a deadline passes before the first byte of a frame."""
        while len(self.buffer) < count:
            if deadline is not None and not self.buffer:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.sock.settimeout(left)
            else:
                self.sock.settimeout(30)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                if deadline is not None and not self.buffer:
                    return None
                raise
            if not chunk:
                raise WebSocketClosed("connection closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def close(self) -> None:
        try:
            self._send(0x8, b"")
        except OSError:
            pass
        self.sock.close()


def livereload_connect(port: int) -> WebSocket:
    ws = WebSocket("127.0.0.1", port, "/livereload")
    ws.send_text(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    reply = ws.receive(10)
    if reply is None or json.loads(reply).get("command") != "hello":
        raise WebSocketClosed(f"no livereload hello (got {reply!r})")
    ws.send_text(json.dumps({"command": "info", "plugins": {}, "url": f"http://127.0.0.1:{port}/"}))
    return ws


def drain_until_quiet(ws: WebSocket, quiet: float = QUIET_SECONDS) -> list[str]:
    """Every message until none has come for `quiet` seconds (reloads not caused by an edit).

    livereload sends one unasked reload soon after it starts (its first poll); the next
    edit waits for quiet.
    """
    stray = []
    while (message := ws.receive(quiet)) is not None:
        stray.append(message)
    return stray


def wait_for_reload(ws: WebSocket, timeout: float) -> dict | None:
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        message = ws.receive(left)
        if message is None:
            return None
        data = json.loads(message)
        if data.get("command") == "reload":
            return data
    return None
