"""A small TCP proxy for fault tests: forwards to a server, and can play a server outage.

    with TcpProxy("127.0.0.1", 5432) as proxy:      # listens on 127.0.0.1:<proxy.port>
        ...                                         # connect through the proxy
        proxy.cut()                                 # drop every connection, refuse new ones
        proxy.restore()                             # accept (and forward) again, same port
        proxy.cut_on(b"INSERT INTO saved_insights") # cut when a client sends these bytes

`cut()` is what a database restart looks like from the application: open connections
die, and connecting fails with "connection refused" (the port is closed) until the
server is back. `cut_on(pattern)` arms a trip wire: the first chunk a client sends that
contains `pattern` is *not* forwarded, and the proxy cuts there, so a transaction is
interrupted exactly at that statement. Standard library only; one thread per direction
of each connection.
"""

from __future__ import annotations

import contextlib
import socket
import threading

_CHUNK = 65536


class TcpProxy:
    """Forwards 127.0.0.1:<port> to (`target_host`, `target_port`); see the module docstring."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.accepted = 0  # connections forwarded since start (to see that clients reconnected)
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._trip: bytes | None = None
        self._tripped = threading.Event()

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> TcpProxy:
        self.restore()
        return self

    def __exit__(self, *_: object) -> None:
        self.cut()

    @property
    def is_up(self) -> bool:
        with self._lock:
            return self._listener is not None

    def restore(self) -> None:
        """Listen (again, on the same port once one was chosen) and forward new connections."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        with self._lock:
            self.port = listener.getsockname()[1]
            self._listener = listener
            self._tripped.clear()
        threading.Thread(target=self._accept, args=(listener,), name="tcp-proxy-accept", daemon=True).start()

    def cut(self) -> None:
        """Close every forwarded connection and stop listening (new connections are refused)."""
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._open = self._open, set()
            self._trip = None
        if listener is not None:
            _close(listener)
        for sock in sockets:
            _close(sock)

    def cut_on(self, pattern: bytes) -> None:
        """Cut (as `cut()`) when a client next sends bytes containing `pattern`; they are not forwarded.

        For SQL text as the pattern: psycopg sends a statement's text only until it has run
        it 5 times on one connection (then it is prepared and sent by name).
        """
        with self._lock:
            self._trip = pattern
            self._tripped.clear()

    def wait_tripped(self, timeout: float) -> bool:
        """Whether the trip wire of `cut_on` fired within `timeout` seconds."""
        return self._tripped.wait(timeout)

    # ------------------------------------------------------------------ forwarding
    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # the listener was closed by cut()
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
                server.settimeout(None)
            except OSError:
                _close(client)
                continue
            if not self._track(client, server):
                continue
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _track(self, client: socket.socket, server: socket.socket) -> bool:
        """Remember a new pair, unless the proxy was cut meanwhile (then close both)."""
        with self._lock:
            if self._listener is None:
                alive = False
            else:
                self._open.update((client, server))
                self.accepted += 1
                alive = True
        if not alive:
            _close(client)
            _close(server)
        return alive

    def _pump(self, source: socket.socket, sink: socket.socket, from_client: bool) -> None:
        while True:
            try:
                data = source.recv(_CHUNK)
            except OSError:
                data = b""
            if data and from_client and self._should_trip(data):
                self._tripped.set()
                self.cut()
                return
            try:
                if not data:
                    raise OSError("closed")
                sink.sendall(data)
            except OSError:
                _close(source)
                _close(sink)
                with self._lock:
                    self._open.difference_update((source, sink))
                return

    def _should_trip(self, data: bytes) -> bool:
        with self._lock:
            return self._trip is not None and self._trip in data


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
