"""A TCP proxy for the tests that puts faults between the client and a real server."""

import contextlib
import socket
import threading


class FaultyProxy:
    """Forwards 127.0.0.1:port to a target; ``mode`` decides what happens to the next
    connections: ``pass``, ``drop`` (close at once), ``reset`` (RST), ``delay`` (wait
    ``delay_s`` then forward), ``truncate`` (forward half of the answer then close),
    ``silent`` (accept and never answer; ``waiting`` counts the clients still waiting)."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.mode = "pass"
        self.delay_s = 0.0
        self.connections = 0
        self.waiting = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._accept = threading.Thread(target=self._serve, name="proxy-accept")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "FaultyProxy":
        self._accept.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._accept.join()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.close()
        for thread in self._threads:
            thread.join(5)
        self._listener.close()

    def _track(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self._sockets.append(sock)
        return sock

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            thread = threading.Thread(
                target=self._handle, args=(self._track(client), self.mode), name="proxy-conn"
            )
            self._threads.append(thread)
            thread.start()

    def _handle(self, client: socket.socket, mode: str) -> None:
        if mode == "drop":
            client.close()
            return
        if mode == "reset":
            client.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            client.close()
            return
        if mode == "silent":
            self._hold(client)
            return
        if mode == "delay" and self._stop.wait(self.delay_s):  # a slow network, until stopped
            client.close()
            return
        upstream = self._track(socket.create_connection(("127.0.0.1", self.target_port)))
        request = self._read_request(client)
        upstream.sendall(request)
        answer = self._read_all(upstream)
        if mode == "truncate":
            answer = answer[: len(answer) // 2]
        with contextlib.suppress(OSError):
            client.sendall(answer)
        client.close()
        upstream.close()

    def _hold(self, client: socket.socket) -> None:
        """Read and never answer, until the client gives up or the proxy stops."""
        with self._lock:
            self.waiting += 1
        client.settimeout(0.1)
        try:
            while not self._stop.is_set():
                try:
                    if not client.recv(65536):
                        break
                except TimeoutError:
                    continue
                except OSError:
                    break
        finally:
            with self._lock:
                self.waiting -= 1

    @staticmethod
    def _read_request(sock: socket.socket) -> bytes:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        # One request per connection: the client is told to close after the answer.
        head = head.replace(b"Connection: keep-alive", b"Connection: close")
        if b"connection:" not in head.lower():
            head += b"\r\nConnection: close"
        return head + b"\r\n\r\n" + body

    @staticmethod
    def _read_all(sock: socket.socket) -> bytes:
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)
