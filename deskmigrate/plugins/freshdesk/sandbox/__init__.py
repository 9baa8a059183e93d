"""The Freshdesk sandbox: an emulator of Freshdesk's REST API v2 modelled on Freshdesk's
documentation, never on the connector (nothing here imports the plugin's other modules)."""

from .app import FreshdeskSandbox

__all__ = ["FreshdeskSandbox"]
