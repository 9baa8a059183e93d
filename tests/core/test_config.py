"""Config files: every mistake is one sentence."""

from __future__ import annotations

import pytest

from deskmigrate.core.config import load
from deskmigrate.core.errors import ConfigError

GOOD = """
[source]
platform = "zendesk"
url = "https://acme.zendesk.com"
email = "admin@acme.test"
token = "${ZD_TOKEN}"

[target]
platform = "freshdesk"
url = "https://acme.freshdesk.com"
api_key = "${FD_KEY}"
rate_limit = 400

[options]
add_tag = "migrated-2026-11"

[billing]
enforce = false
plan = "premium"
"""


def write(tmp_path, text):
    path = tmp_path / "deskmigrate.toml"
    path.write_text(text)
    return path


def test_reads_credentials_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ZD_TOKEN", "zd-secret")
    monkeypatch.setenv("FD_KEY", "fd-secret")
    config = load(write(tmp_path, GOOD))
    assert config.source.credentials == {"email": "admin@acme.test", "token": "zd-secret"}
    assert config.target.credentials == {"api_key": "fd-secret"}
    assert config.target.rate_limit == 400
    assert config.options == {"add_tag": "migrated-2026-11"}
    assert "zd-secret" not in repr(config.public()) and "fd-secret" not in repr(config.public())


def test_missing_variable_names_it(tmp_path, monkeypatch):
    monkeypatch.delenv("ZD_TOKEN", raising=False)
    monkeypatch.setenv("FD_KEY", "x")
    with pytest.raises(ConfigError, match=r"Environment variable ZD_TOKEN \(used by \[source\] "
                                          r"token\) is not set\."):
        load(write(tmp_path, GOOD))


@pytest.mark.parametrize(("text", "message"), [
    ("[source\nplatform=1", "is not valid TOML"),
    ('[target]\nplatform = "zendesk"\nurl = "https://a.zendesk.com"', r"no \[source\] table"),
    ('[source]\nurl = "https://a"\n[target]\nplatform="x"\nurl="https://b"',
     r"\[source\] needs a 'platform' string"),
    ('[source]\nplatform="zendesk"\nurl="https://a"\nrate_limit=0\n[target]\nplatform="x"\n'
     'url="https://b"', "rate_limit must be a positive"),
    ('options = 3\n[source]\nplatform="a"\nurl="https://a"\n[target]\nplatform="b"\n'
     'url="https://b"', r"\[options\] must be a table"),
])
def test_malformed_configs(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        load(write(tmp_path, text))


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load(tmp_path / "nope.toml")
