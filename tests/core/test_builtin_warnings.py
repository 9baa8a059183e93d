"""Loading the built-in plugins (every entry point this package ships) raises no
DeprecationWarning from deskmigrate's own code, e.g. a removed Capabilities field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import deskmigrate

LOAD = """
import json, warnings
with warnings.catch_warnings(record=True) as got:
    warnings.simplefilter("always")
    from deskmigrate.core.host import options, platforms, plugin_manager
    pm = plugin_manager()
    names = sorted(platforms(pm)), sorted(options(pm))
print(json.dumps({"names": names, "warnings": [
    [w.filename, w.lineno, str(w.message)] for w in got
    if issubclass(w.category, DeprecationWarning)]}))
"""


def test_loading_the_built_in_plugins_warns_of_nothing_deprecated():
    # a fresh interpreter: plugin modules already imported here would not warn again
    out = subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True,
                         check=True).stdout
    loaded = json.loads(out)
    assert {"zendesk", "freshdesk", "intercom", "jira_sm"} <= set(loaded["names"][0])
    ours = str(Path(deskmigrate.__file__).parent)
    assert [w for w in loaded["warnings"] if w[0].startswith(ours)] == []
