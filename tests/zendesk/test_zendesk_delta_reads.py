"""What a Zendesk delta reads: the changed agents and contacts come from one incremental user
export (group memberships only when an agent changed), field schemas once a run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from zendesk_support import PLATFORM, UNLIMITED, URL, Recording, api_client, sandbox

from deskmigrate.core.connect import connect
from deskmigrate.plugins.zendesk.source import ZendeskSource


def test_a_delta_reads_people_from_one_export_and_schemas_once(tmp_path):
    app = sandbox(tmp_path / "z.sqlite", tickets=3)
    since = datetime.now(UTC) - timedelta(minutes=1)
    client = api_client(app)
    end_user = client.get("/api/v2/users.json", params={"role": "end-user"}).json()["users"][0]
    client.put(f"/api/v2/users/{end_user['id']}.json", json={"user": {"phone": "+3212345678"}})
    recording = Recording(app.transport())
    source = ZendeskSource(connect(PLATFORM, URL, app.credentials(), transport=recording,
                                   rate_per_minute=UNLIMITED))

    fields = list(source.read("field", since=since))
    agents = list(source.read("agent", since=since))
    contacts = list(source.read("contact", since=since))
    companies = list(source.read("company", since=since))

    assert agents == [] and fields == [] and companies == []
    assert [c.source_id for c in contacts] == [str(end_user["id"])]
    assert recording.paths.count("/api/v2/incremental/users/cursor.json") == 1
    assert "/api/v2/group_memberships.json" not in recording.paths  # no agent changed
    assert "/api/v2/users.json" not in recording.paths
    for schemas in ("ticket_fields", "user_fields", "organization_fields"):
        assert recording.paths.count(f"/api/v2/{schemas}.json") == 1  # fields, then reused
