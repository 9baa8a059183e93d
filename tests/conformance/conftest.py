"""The scaffold's package, generated once per module and importable as ``deskmigrate_acme``:
what the broken fixture plugins and the plugin-kind test build on."""

from __future__ import annotations

import pytest
from plugin_kind import scaffolded_acme


@pytest.fixture(scope="module")
def acme(tmp_path_factory):
    """The scaffold's package, importable as ``deskmigrate_acme``."""
    with scaffolded_acme(tmp_path_factory.mktemp("scaffold")) as package:
        yield package
