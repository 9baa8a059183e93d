"""A contact's other emails become Zendesk user identities, sent in the same
``users/create_many`` payload (no request per user), read back through the source's
``include=identities`` sideload; a user refused because one of its other emails belongs to
someone else is created again without them, with a warning."""

from __future__ import annotations

from zendesk_support import PLATFORM, URL, MapContext, Recording, api_client, sandbox

from deskmigrate.core.connect import connect
from deskmigrate.core.records import Contact, Record
from deskmigrate.plugins.zendesk import job_watch


def test_other_emails_written_as_identities_in_the_bulk_create(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(job_watch, "JOB_POLL_FIRST", 0.01)
    app = sandbox(tmp_path / "target.sqlite", tickets=0, seed=3)
    assert api_client(app).post("/api/v2/users.json", json={"user": {
        "name": "Kept", "email": "kept@there.example"}}).status_code == 201
    recording = Recording(app.transport())
    connection = connect(PLATFORM, URL, app.credentials(), transport=recording,
                         rate_per_minute=1_000_000)
    target, reader = PLATFORM.target(connection), PLATFORM.source(connection)
    contacts: list[Record] = [
        Contact(source_id="1", name="Ann", email="ann@a.example",
                other_emails=["ann@home.example", "ANN@a.example", "Ann@Home.example"]),
        Contact(source_id="2", name="Bob", email="bob@b.example"),
        Contact(source_id="3", name="Cy", email="cy@c.example",
                other_emails=["kept@there.example"]),  # another user's email
        Contact(source_id="4", name="Di", email="di@d.example",
                other_emails=["ann@home.example", "di@work.example"]),  # Ann's, just given
    ]
    results = target.write("contact", contacts, MapContext(default_agent=""))
    assert [r.error for r in results] == [None] * 4
    assert [bool(r.warnings) for r in results] == [False, False, True, True]
    assert "kept@there.example" in results[2].warnings[0]

    creates = [p for p in recording.paths if p.endswith("/create_many.json")]
    assert len(creates) == 2  # the batch, then Cy and Di again without their other emails
    assert not any("identities" in p for p in recording.paths)

    back = {r.source_id: r for r in reader.get("contact", [r.target_id or "" for r in results])
            if isinstance(r, Contact)}
    assert [back[r.target_id or ""].other_emails for r in results] == [
        ["ann@home.example"], [], [], []]
