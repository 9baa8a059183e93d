"""servicedeskapi requests: raise a request (on behalf of a customer), read one, list the
caller's own, and their comments (plain-text bodies, ``public`` flag)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox.app import json_response

from .base import (
    JsmBase,
    adf_text,
    json_body,
    parse_jira_time,
    sd_error,
    sd_slice,
    text_adf,
    valid_adf,
)
from .workflow import STATUSES

SD = "/rest/servicedeskapi"


def sd_date(stamp: str) -> dict[str, Any]:
    moment: datetime = parse_jira_time(stamp)
    return {"iso8601": moment.strftime("%Y-%m-%dT%H:%M:%S%z"), "jira": stamp,
            "friendly": moment.strftime("%d/%b/%y %I:%M %p"),
            "epochMillis": int(moment.timestamp() * 1000)}


class RequestRoutes(JsmBase):
    def request_rules(self) -> list[Rule]:
        return [
            Rule(f"{SD}/request", methods=["POST"], endpoint="create_request"),
            Rule(f"{SD}/request", methods=["GET"], endpoint="my_requests"),
            Rule(f"{SD}/request/<key>", methods=["GET"], endpoint="get_request"),
            Rule(f"{SD}/request/<key>/comment", methods=["GET"], endpoint="request_comments"),
            Rule(f"{SD}/request/<key>/comment", methods=["POST"],
                 endpoint="add_request_comment"),
        ]

    def render_request(self, request: Request, issue: dict) -> dict:
        base = self.base_url(request)
        category = STATUSES[issue["status"]][1]
        return {"_expands": ["participant", "status", "sla", "requestType", "serviceDesk",
                             "attachment", "action", "comment"],
                "issueId": str(issue["id"]), "issueKey": issue["key"],
                "summary": issue["summary"],
                "requestTypeId": str(issue["requestTypeId"] or ""),
                "serviceDeskId": str(issue["serviceDeskId"]),
                "createdDate": sd_date(issue["created"]),
                "reporter": self.sd_user(request, self.user_by_account(issue["reporter"])),
                "currentStatus": {"status": issue["status"],
                                  "statusCategory": category.upper(),
                                  "statusDate": sd_date(issue["updated"])},
                "requestFieldValues": [
                    {"fieldId": "summary", "label": "Summary", "value": issue["summary"]},
                    {"fieldId": "description", "label": "Description",
                     "value": adf_text(issue["description"]).strip()}],
                "_links": {"web": f"{base}/servicedesk/customer/portal/"
                                  f"{issue['serviceDeskId']}/{issue['key']}",
                           "self": f"{base}{SD}/request/{issue['id']}",
                           "jiraRest": f"{base}/rest/api/2/issue/{issue['id']}"}}

    def create_request(self, request: Request, user: dict, **_: Any) -> Response:
        body = json_body(request)
        desk = self.desk(str(body.get("serviceDeskId", "")))
        rtype = self.store.get("requesttypes", str(body.get("requestTypeId", "")))
        if rtype is None or rtype["serviceDeskId"] != desk["id"]:
            raise sd_error(400, "The request type you specified does not exist in this "
                                "service desk.", "sd.request.create.error.requesttype")
        reporter: dict | None = user
        if body.get("raiseOnBehalfOf"):
            reporter = self.user_by_account(body["raiseOnBehalfOf"]) or \
                self.user_by_email(str(body["raiseOnBehalfOf"]))
        if reporter is None:
            raise sd_error(400, "The user you are raising this request on behalf of does not "
                                "exist.", "sd.request.create.error.onbehalf")
        values = body.get("requestFieldValues") or {}
        known = {f["fieldId"]: f for f in rtype["fields"]}
        for field_id in values:
            if field_id not in known:
                raise sd_error(400, f"Field '{field_id}' is not valid for this request type.",
                               "sd.request.create.error.field.invalid")
        for field in rtype["fields"]:
            if field["required"] and values.get(field["fieldId"]) in (None, "", []):
                raise sd_error(400, f"Your request could not be created. {field['name']} is "
                                    "required.", "sd.request.create.error.field.required")
            allowed = {v["value"] for v in field.get("validValues") or []}
            given = values.get(field["fieldId"])
            if allowed and given is not None and str(_choice(given)) not in allowed:
                raise sd_error(400, f"Specify a valid value for {field['name']}.",
                               "sd.request.create.error.field.invalid")
        description = values.get("description")
        if body.get("isAdfRequest"):
            if description is not None and not valid_adf(description):
                raise sd_error(400, "The description is not a valid Atlassian Document.")
        elif description is not None:
            description = text_adf(str(description))
        issue = self.new_issue(desk, rtype, user, reporter["accountId"],
                               str(values.get("summary") or ""), description)
        for field_id, value in values.items():
            if field_id not in ("summary", "description"):
                choices = {v["value"]: v["label"] for v in known[field_id].get("validValues")
                           or []}
                issue["custom"][field_id] = ({"value": choices[str(_choice(value))],
                                              "id": str(_choice(value))}
                                             if choices else value)
        if reporter["accountId"] not in desk["customers"] and \
                reporter["accountType"] == "customer":
            desk["customers"].append(reporter["accountId"])
            self.store.put("servicedesks", desk)
        self.store.put("issues", issue)
        return json_response(self.render_request(request, issue), 201)

    def my_requests(self, request: Request, user: dict, **_: Any) -> Response:
        """Only the caller's own requests, as in Jira (a migration cannot list with this)."""
        rows = self.store.query("issues", "json_extract(doc, '$.reporter') = ?",
                                [user["accountId"]])
        return sd_slice(request, lambda n, o: rows[o:o + n],
                        lambda i: self.render_request(request, i), "/request")

    def get_request(self, request: Request, user: dict, key: str) -> dict:
        return self.render_request(request, self.issue(key, servicedesk=True))

    def render_sd_comment(self, request: Request, row: dict) -> dict:
        base = self.base_url(request)
        return {"_expands": ["attachment", "renderedBody"], "id": str(row["id"]),
                "body": adf_text(row["body"]).strip(), "public": row["public"],
                "author": self.sd_user(request, self.user_by_account(row["author"])),
                "created": sd_date(row["created"]),
                "_links": {"self": f"{base}{SD}/request/{row['issueId']}/comment/{row['id']}"}}

    def request_comments(self, request: Request, user: dict, key: str) -> Response:
        issue = self.issue(key, servicedesk=True)
        public = request.args.get("public", "true").lower() != "false"  # Java booleans
        internal = request.args.get("internal", "true").lower() != "false"
        rows = [c for c in self.comments_of(issue["id"])
                if (c["public"] and public) or (not c["public"] and internal)]
        return sd_slice(request, lambda n, o: rows[o:o + n],
                        lambda c: self.render_sd_comment(request, c),
                        f"/request/{issue['id']}/comment")

    def add_request_comment(self, request: Request, user: dict, key: str) -> Response:
        issue = self.issue(key, servicedesk=True)
        body = json_body(request)
        if not isinstance(body.get("body"), str) or not body["body"].strip():
            raise sd_error(400, "The comment body is required.")
        row = self.insert_comment(issue, user["accountId"], text_adf(body["body"]),
                                  bool(body.get("public", True)))
        return json_response(self.render_sd_comment(request, row), 201)


def _choice(value: Any) -> Any:
    """A select value is sent as ``"10000"`` or ``{"id": "10000"}``."""
    return value.get("id") if isinstance(value, dict) else value
