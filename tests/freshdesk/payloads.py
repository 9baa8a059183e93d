"""Real-shaped Freshdesk responses, transcribed by hand (values are ours).

Shapes follow Freshdesk's API documentation and responses recorded from real accounts
that public projects published in their test suites (an EU account's ``GET /tickets/{id}``
and ``GET /tickets/{id}/conversations``, 2021: ``attachment_url`` and ``thumb_url`` signed
on ``s3.eu-central-1.amazonaws.com/euc-cdn.freshdesk.com``, inline images on
``eucattachment.freshdesk.com/inline/attachment?token=<JWT>`` with ``data-id`` and no
``alt``). Their code and files are not copied: the keys and the form of each value are.
"""

from __future__ import annotations

from typing import Any

SIGNED = ("?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20210514%2F"
          "{region}%2Fs3%2Faws4_request&X-Amz-Date=20210514T123300Z&X-Amz-Expires=300"
          "&X-Amz-SignedHeaders=host&X-Amz-Signature=" + "0f" * 32)
# A JWT-shaped inline token: {"typ":"JWT","alg":"HS256"}.{"id":…,"domain":…,"account_id":…}.sig
TOKEN = ("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpZCI6ODAwMDAwMDAwMDEsImRvbWFpbiI6ImFjbWUuZnJl"
         "c2hkZXNrLmNvbSIsImFjY291bnRfaWQiOjEwMDAwMDF9.c2lnbmF0dXJlLW5vdC1jaGVja2Vk")


def s3_url(host: str, bucket: str, file_id: int, name: str, region: str,
           variant: str = "original") -> str:
    return (f"https://{host}/{bucket}/data/helpdesk/attachments/production/{file_id}/"
            f"{variant}/{name}" + SIGNED.format(region=region))


def attachment(file_id: int, name: str, content_type: str, size: int, url: str) -> dict:
    """One entry of ``attachments[]`` as Freshdesk lists it."""
    return {"id": file_id, "name": name, "content_type": content_type, "size": size,
            "created_at": "2021-05-14T12:30:16Z", "updated_at": "2021-05-14T12:30:19Z",
            "attachment_url": url, "thumb_url": url.replace("/original/", "/thumb/")}


def inline_img(host: str, data_id: int) -> str:
    return (f'<img src="https://{host}/inline/attachment?token={TOKEN}" '
            f'style="width: auto" class="fr-fil fr-dib" data-id="{data_id}">')


def ticket_view(*, inline_host: str, files: list[dict], status: int = 4,
                source: int = 3, stats: dict[str, Any] | None = None) -> dict:
    """``GET /tickets/13?include=stats`` of a resolved phone ticket."""
    body = ('<div style="font-family:-apple-system, Segoe UI, sans-serif; font-size:14px">\n'
            '<div dir="ltr">The export fails with the screenshot below:</div>\n'
            f'<div dir="ltr">{inline_img(inline_host, 80000000001)}</div>\n</div>')
    return {
        "cc_emails": [], "fwd_emails": [], "reply_cc_emails": [], "ticket_cc_emails": [],
        "fr_escalated": False, "spam": False, "email_config_id": None,
        "group_id": 80000000718, "priority": 1, "requester_id": 80000000475,
        "responder_id": 80000000476, "source": source, "company_id": None,
        "status": status, "subject": "Export fails", "association_type": None,
        "support_email": None, "to_emails": ["help@example.org"], "product_id": None,
        "id": 13, "type": None, "due_by": "2021-05-17T12:29:27Z",
        "fr_due_by": "2021-05-15T12:29:27Z", "is_escalated": False,
        "custom_fields": {"cf_units": 999, "cf_vip": True},
        "created_at": "2021-05-14T12:29:27Z", "updated_at": "2021-05-18T09:00:00Z",
        "associated_tickets_count": None, "tags": [],
        "description": body,
        "description_text": "The export fails with the screenshot below:",
        "attachments": files,
        "stats": stats if stats is not None else {
            "agent_responded_at": "2021-05-14T12:40:00Z",
            "requester_responded_at": None, "first_responded_at": "2021-05-14T12:40:00Z",
            "status_updated_at": "2021-05-18T09:00:00Z", "reopened_at": None,
            "resolved_at": "2021-05-18T09:00:00Z", "closed_at": None,
            "pending_since": None},
    }


def conversation(conversation_id: int, *, source: int, private: bool, incoming: bool,
                 user_id: int, files: list[dict], body: str = "<div>Thanks</div>") -> dict:
    """One row of ``GET /tickets/13/conversations``."""
    return {"body": body, "body_text": "Thanks", "id": conversation_id,
            "incoming": incoming, "private": private, "user_id": user_id,
            "support_email": None, "source": source, "category": 2,
            "to_emails": ["help@example.org"], "from_email": None, "cc_emails": [],
            "bcc_emails": None, "email_failure_count": None, "outgoing_failures": None,
            "created_at": "2021-05-14T12:30:19Z", "updated_at": "2021-05-14T12:30:19Z",
            "attachments": files, "auto_response": False, "ticket_id": 13,
            "source_additional_info": None}
