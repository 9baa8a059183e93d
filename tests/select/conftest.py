from __future__ import annotations

import shutil

import pytest
from select_support import SEED, TICKETS, desk


@pytest.fixture(scope="module")
def source_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("select-source") / "source.sqlite"
    with desk(path, TICKETS, SEED):
        pass
    return path


@pytest.fixture
def source(tmp_path, source_file):
    """The seeded Zendesk source (a fresh copy: a test may add tickets to it)."""
    path = tmp_path / "source.sqlite"
    shutil.copy(source_file, path)
    with desk(path, TICKETS, SEED) as served:
        yield served


@pytest.fixture
def target(tmp_path):
    with desk(tmp_path / "target.sqlite", 0, 0) as served:
        yield served
