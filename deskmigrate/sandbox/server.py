"""Serve a sandbox on loopback, in the foreground (CLI) or a background thread (tests)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import SandboxApp


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        """Access logs stay off: a migration makes thousands of requests."""

    def connection_dropped(self, error: BaseException, environ: object = None) -> None:
        """An injected dropped connection: close the socket without answering, as a real
        dropped connection would (instead of keeping it alive for the next request)."""
        self.close_connection = True


def bind(app: SandboxApp, host: str = "127.0.0.1", port: int = 8001) -> BaseWSGIServer:
    """A threaded server bound to ``host:port`` (port 0: any free port); call
    ``serve_forever()`` on it. Raises OSError when the port is taken."""
    return make_server(host, port, app, threaded=True, request_handler=_QuietHandler)


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
