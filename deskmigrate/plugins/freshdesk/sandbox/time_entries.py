"""Time entries of the Freshdesk sandbox: ``GET /tickets/{id}/time_entries``,
``GET /time_entries`` (``agent_id``, ``company_id``, ``executed_after``,
``executed_before``, ``billable``), ``POST /tickets/{id}/time_entries`` and
``DELETE /time_entries/{id}``. Time spent is ``"hh:mm"``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import json_response

from .account import now
from .base import FreshdeskBase
from .plumbing import Validation, body, invalid, not_found, only_fields, page_args, paged

TIME_ENTRY_ID_BASE = 43_040_000_000
FIELDS = {"agent_id", "billable", "executed_at", "note", "start_time", "time_spent",
          "timer_running"}
_SPENT = re.compile(r"^\d{2}:[0-5]\d$")


def time_entry_doc(ticket: dict, agent_id: int, spent: str, note: str, stamp: str, *,
                   billable: bool = True) -> dict:
    return {"billable": billable, "note": note, "timer_running": False,
            "agent_id": agent_id, "ticket_id": ticket["id"],
            "company_id": ticket.get("company_id"), "time_spent": spent,
            "executed_at": stamp, "start_time": stamp, "created_at": stamp,
            "updated_at": stamp}


class TimeEntryRoutes(FreshdeskBase):
    def time_entry_rules(self) -> Iterable[Rule]:
        return [
            Rule("/api/v2/tickets/<int:ticket_id>/time_entries", methods=["GET"],
                 endpoint="list_time_entries"),
            Rule("/api/v2/tickets/<int:ticket_id>/time_entries", methods=["POST"],
                 endpoint="create_time_entry"),
            Rule("/api/v2/time_entries", methods=["GET"], endpoint="list_time_entries"),
            Rule("/api/v2/time_entries/<int:entry_id>", methods=["DELETE"],
                 endpoint="delete_time_entry"),
        ]

    def list_time_entries(self, request: Request, user: dict, ticket_id: int | None = None
                          ) -> Response:
        clauses, params = self._time_filter(request, ticket_id)
        page, per_page = page_args(request, self.max_per_page)

        def fetch(limit: int, offset: int) -> list[dict]:
            return self.store.query("time_entries", " AND ".join(clauses), params,
                                    order="id", limit=limit, offset=offset)

        return paged(request, page, per_page, fetch, lambda doc: doc)

    def _time_filter(self, request: Request, ticket_id: int | None
                     ) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if ticket_id is not None:
            if self.store.get("tickets", ticket_id) is None:
                raise not_found()
            clauses.append("json_extract(doc, '$.ticket_id') = ?")
            params.append(ticket_id)
        for key in ("agent_id", "company_id"):
            if key in request.args:
                if not request.args[key].isdigit():
                    raise invalid(key, "It should be a/an Positive Integer",
                                  "datatype_mismatch")
                clauses.append(f"json_extract(doc, '$.{key}') = ?")
                params.append(int(request.args[key]))
        for key, sign in (("executed_after", ">="), ("executed_before", "<=")):
            if key in request.args:
                clauses.append(f"json_extract(doc, '$.executed_at') {sign} ?")
                params.append(request.args[key])
        if "billable" in request.args:
            clauses.append("json_extract(doc, '$.billable') = ?")
            params.append(1 if request.args["billable"] == "true" else 0)
        return clauses, params

    def create_time_entry(self, request: Request, user: dict, ticket_id: int) -> Response:
        ticket = self.store.get("tickets", ticket_id)
        if ticket is None:
            raise not_found()
        fields, _ = body(request)
        check = Validation()
        only_fields(fields, FIELDS, check)
        spent = fields.get("time_spent", "00:00")
        if not isinstance(spent, str) or not _SPENT.match(spent):
            check.add("time_spent", "It should be in the 'hh:mm' format")
        agent_id = fields.get("agent_id", user["id"])
        if self.store.get("agents", agent_id) is None:
            check.add("agent_id", "There is no agent matching the given agent_id")
        check.raise_if_any()
        doc = time_entry_doc(ticket, agent_id, spent, str(fields.get("note", "")), now(),
                             billable=bool(fields.get("billable", True)))
        doc = self.store.insert("time_entries", doc, id=self.store.next_id(
            "time_entries", TIME_ENTRY_ID_BASE + 1))
        return json_response(doc, 201)

    def delete_time_entry(self, request: Request, user: dict, entry_id: int) -> Response:
        if self.store.get("time_entries", entry_id) is None:
            raise not_found()
        self.store.delete("time_entries", entry_id)
        return Response(status=204)
