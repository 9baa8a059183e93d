"""Tools for plugin authors: the conformance suite (subclass :class:`PlatformConformance`)
and the older one-call kit."""

from .conformance import assert_conforms
from .suite import PlatformConformance

__all__ = ["PlatformConformance", "assert_conforms"]
