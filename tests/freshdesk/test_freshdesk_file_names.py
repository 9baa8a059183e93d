"""Files written to Freshdesk go out under names every file system accepts, extension kept."""

from __future__ import annotations

from deskmigrate.core.records import Attachment
from deskmigrate.plugins.freshdesk.target_files import pack


def test_reserved_and_long_names_are_made_safe_keeping_the_extension():
    names = ["CON", "nul.txt", f"{'y' * 300}.docx"]
    files = [Attachment(source_id=str(i), file_name=n, content_type="text/plain", size=1,
                        fetch=lambda: b"x") for i, n in enumerate(names)]
    warnings: list[str] = []
    [group] = pack(files, warnings.append)
    assert [u.name for u in group] == ["CON_", "nul_.txt", f"{'y' * 195}.docx"]  # 195+5=200
    assert warnings == []
