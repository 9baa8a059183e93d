"""The Zendesk sandbox: Zendesk Support and the Help Center emulated from Zendesk's own
documentation and OpenAPI file. It imports nothing of the connector (see
``tests/fidelity/zendesk/test_independence.py``) and is proven by zenpy and the spec."""

from .app import ZendeskSandbox

__all__ = ["ZendeskSandbox"]
