"""Zendesk Talk in the sandbox: the call recordings that voice comments link to through
``data.recording_url`` (agents only, real audio bytes)."""

from __future__ import annotations

import mimetypes

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import SandboxStore

from .support import HOST, not_found

RECORDING_PATH = "/api/v2/channels/voice/calls/{call_sid}/twilio/call/recording"


def recording_url(call_sid: str, base: str = HOST) -> str:
    return base + RECORDING_PATH.format(call_sid=call_sid)


def recording_key(call_sid: str) -> str:
    """The meta key holding ``content_type blob_key`` of a call's recording."""
    return f"zendesk:recording:{call_sid}"


class VoiceHandlers:
    """``GET /api/v2/channels/voice/calls/{sid}/twilio/call/recording``."""

    store: SandboxStore

    def voice_rules(self) -> list[Rule]:
        return [Rule(RECORDING_PATH.replace("{call_sid}", "<call_sid>"),
                     endpoint="call_recording", methods=["GET"])]

    def call_recording(self, request: Request, user: dict, call_sid: str) -> Response:
        stored = self.store.meta(recording_key(call_sid))
        if stored is None:
            raise not_found()
        content_type, _, blob = stored.partition(" ")
        data = self.store.blob(blob)
        if data is None:
            raise not_found()
        name = call_sid + (mimetypes.guess_extension(content_type) or "")
        return Response(data, content_type=content_type,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
