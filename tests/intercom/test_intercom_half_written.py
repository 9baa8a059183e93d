"""SIGKILL between an Intercom conversation's first message and its stamp (the target
itself pulls the trigger when the stamp arrives, so the point is exact under any load),
then `rollback` without a resume: the unstamped conversation recorded as created in part
(``ctx.created``) is removed with everything else the run made, and nothing that was
there before."""

from __future__ import annotations

import re
import shutil

import pytest
from ic_e2e import SEEDS, TICKETS
from kill_trap import half_written, killed_migration, live_docs, rollback

from deskmigrate.core.sandboxes import open_sandbox

LEFT = ("data_attributes", "tags")


def _a_stamp(method: str, path: str) -> bool:
    return method == "PUT" and re.search(r"/conversations/\d+$", path) is not None


@pytest.mark.slow
def test_killed_between_a_conversation_and_its_stamp_rollback_removes_it(tmp_path,
                                                                        seeded_files):
    shutil.copy(seeded_files["zendesk"], tmp_path / "source.sqlite")
    source = open_sandbox("zendesk", tmp_path / "source.sqlite", tickets=TICKETS,
                          seed=SEEDS["zendesk"])
    target = open_sandbox("intercom", tmp_path / "target.sqlite", tickets=0, seed=0)
    before = live_docs(tmp_path / "target.sqlite")
    with killed_migration(tmp_path, source, target, _a_stamp, apply=False) as command:
        assert half_written(tmp_path / "state.db") >= 1
        assert rollback(command)["status"] == "rolled_back"
        after = live_docs(tmp_path / "target.sqlite")
        # Intercom cannot delete data attributes (archived instead) and tags are shared
        # labels, never deleted (docs/intercom.md); everything else is as before.
        assert {k: v for k, v in after.items() if k not in LEFT} == \
            {k: v for k, v in before.items() if k not in LEFT}
        made = after["data_attributes"] - before["data_attributes"]
        assert made and all(target.store.get("data_attributes", i)["archived"] for i in made)
