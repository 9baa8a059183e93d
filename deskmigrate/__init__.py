"""deskmigrate: migrate help-desk data between platforms through a pluggy plugin host."""

from .core.hookspecs import hookimpl

__version__ = "0.1.0"
__all__ = ["hookimpl", "__version__"]
