"""The ``deskmigrate billing`` subcommands, one module per job; :mod:`..cli` groups them."""
