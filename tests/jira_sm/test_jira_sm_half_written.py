"""SIGKILL between a JSM request and its first comment (the target itself pulls the
trigger when that comment arrives, so the point is exact under any load), then `rollback`
without a resume: the request recorded as created in part (``ctx.created``) is removed with
everything else the run made, and nothing that was there before."""

from __future__ import annotations

import shutil

import pytest
from jsm_e2e_support import SEEDS, TICKETS
from kill_trap import half_written, killed_migration, live_docs, rollback

from deskmigrate.core.sandboxes import open_sandbox


def _a_comment(method: str, path: str) -> bool:
    return method == "POST" and "/issue/" in path and path.endswith("/comment")


@pytest.mark.slow
def test_killed_between_a_request_and_its_comments_rollback_removes_it(tmp_path,
                                                                      seeded_files):
    shutil.copy(seeded_files("zendesk"), tmp_path / "source.sqlite")
    source = open_sandbox("zendesk", tmp_path / "source.sqlite", tickets=TICKETS,
                          seed=SEEDS["zendesk"])
    target = open_sandbox("jira_sm", tmp_path / "target.sqlite", tickets=0, seed=0)
    before = live_docs(tmp_path / "target.sqlite")
    with killed_migration(tmp_path, source, target, _a_comment, apply=False) as command:
        assert half_written(tmp_path / "state.db") >= 1
        assert rollback(command)["status"] == "rolled_back"
        after = live_docs(tmp_path / "target.sqlite")
        # Files are uploaded before they are attached (two calls): one a kill left
        # unattached is a temporary file, which Jira drops by itself; an issue's own go
        # with it.
        assert {k: v for k, v in after.items() if k != "attachments"} == \
            {k: v for k, v in before.items() if k != "attachments"}
