"""Fixtures for the billing tests (helpers are in billing_support.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from billing_support import SMALL_BOOK, small_book

from deskmigrate.billing.pricebook import PriceBook
from deskmigrate.core.state import StateStore


@pytest.fixture
def small() -> PriceBook:
    return small_book()


@pytest.fixture
def small_path(tmp_path: Path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL_BOOK, encoding="utf-8")
    return path


@pytest.fixture
def state(tmp_path: Path) -> StateStore:
    return StateStore(tmp_path / "state.sqlite")
