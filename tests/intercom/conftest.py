from __future__ import annotations

import pytest
from ic_support import sandbox


@pytest.fixture
def app(tmp_path):
    """A seeded Intercom sandbox (12 conversations)."""
    return sandbox(tmp_path)
