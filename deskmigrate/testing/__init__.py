"""Tools for plugin authors: the conformance kit."""

from .conformance import assert_conforms

__all__ = ["assert_conforms"]
