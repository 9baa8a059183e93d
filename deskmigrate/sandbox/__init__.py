"""The kit every platform sandbox is built from: a SQLite document store, a per-minute
rate limiter, fault injection, a Werkzeug WSGI base app and a loopback server."""

from .app import SandboxApp, json_response
from .server import bind, serve_in_thread
from .store import SandboxStore

__all__ = ["SandboxApp", "SandboxStore", "json_response", "bind", "serve_in_thread"]
