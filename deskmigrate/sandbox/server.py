"""Serve a sandbox on loopback, in the foreground (CLI) or a background thread (tests).

The server is waitress: HTTP/1.1 with keep-alive connections, as a real help desk serves
(a client's connection pool reuses its connections instead of opening one per request),
and a pool of worker threads. An injected dropped connection (the app raises
``ConnectionResetError``) closes the socket without an answer.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from waitress import wasyncore
from waitress.server import BaseWSGIServer, create_server

from .app import SandboxApp

THREADS = 16  # more than a migration's concurrent requests (8 by default) to one side
POLL_SECONDS = 0.2  # how soon the serving loop notices a shutdown

# waitress warns when requests queue for a worker; a benchmark does that on purpose
logging.getLogger("waitress.queue").setLevel(logging.ERROR)


class SandboxServer:
    """A bound server: ``serve_forever()`` until ``shutdown()`` (from another thread) or
    Ctrl-C."""

    def __init__(self, app: SandboxApp, host: str, port: int) -> None:
        # log_socket_errors=False: a ConnectionResetError raised by the app (an injected
        # drop) closes the connection without writing anything, instead of a 500
        self._map: dict[int, socket.socket] = {}  # the listener and its connections
        server = create_server(app, map=self._map, host=host.strip("[]"), port=port,
                               threads=THREADS, log_socket_errors=False,
                               expose_tracebacks=False, ident="deskmigrate-sandbox")
        assert isinstance(server, BaseWSGIServer)  # one host and port: one socket
        self._server = server
        self.server_port = int(server.getsockname()[1])
        self._stopping = threading.Event()

    def serve_forever(self) -> None:
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=POLL_SECONDS, map=self._map, use_poll=True,
                               count=1)
        finally:
            wasyncore.close_all(self._map)  # the listener and open keep-alives
            self._server.task_dispatcher.shutdown()

    def shutdown(self) -> None:
        # wake the loop first: once it has seen the flag it closes the trigger, and a pull
        # after that would write to a closed pipe
        self._server.pull_trigger()
        self._stopping.set()


def bind(app: SandboxApp, host: str = "127.0.0.1", port: int = 8001) -> SandboxServer:
    """A threaded server bound to ``host:port`` (port 0: any free port); call
    ``serve_forever()`` on it. Raises OSError when the port is taken."""
    return SandboxServer(app, host, port)


@contextmanager
def serve_in_thread(app: SandboxApp, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve in a daemon thread; yields the base URL (``http://127.0.0.1:PORT``)."""
    server = bind(app, host, port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
