"""Platform v3 issues: JQL search with ``nextPageToken``, issues, transitions, labels and
issue properties (comments are in ``comments.py``)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox.app import json_response

from . import jql
from .base import V3, int_arg, json_body, now_stamp, platform_error, property_value, valid_adf
from .comments import CommentRoutes
from .workflow import (
    ISSUE_TYPES,
    ORGANIZATIONS_FIELD,
    PRIORITIES,
    REQUEST_TYPE_FIELD,
    STATUSES,
    SYSTEM_FIELDS,
    render_priority,
    render_status,
    status_of_transition,
    transitions,
)

SEARCH_MAX = 100
NAVIGABLE = ("summary", "description", "status", "priority", "labels", "reporter", "creator",
             "assignee", "created", "updated", "resolutiondate", "issuetype", "project",
             REQUEST_TYPE_FIELD, ORGANIZATIONS_FIELD, "attachment")


class IssueRoutes(CommentRoutes):
    def issue_rules(self) -> list[Rule]:
        return [
            Rule(f"{V3}/search/jql", methods=["GET", "POST"], endpoint="search_jql"),
            Rule(f"{V3}/search", methods=["GET", "POST"], endpoint="search_removed"),
            Rule(f"{V3}/field", methods=["GET"], endpoint="list_fields"),
            Rule(f"{V3}/priority", methods=["GET"], endpoint="list_priorities"),
            Rule(f"{V3}/issue", methods=["POST"], endpoint="create_issue"),
            Rule(f"{V3}/issue/<key>", methods=["GET"], endpoint="get_issue"),
            Rule(f"{V3}/issue/<key>", methods=["PUT"], endpoint="edit_issue"),
            Rule(f"{V3}/issue/<key>", methods=["DELETE"], endpoint="delete_issue"),
            Rule(f"{V3}/issue/<key>/assignee", methods=["PUT"], endpoint="assign_issue"),
            # ``latest`` is the alias Jira serves for its current version; the pycontribs
            # client sends its assignee write there (the body is the same in v2 and v3)
            Rule("/rest/api/latest/issue/<key>/assignee", methods=["PUT"],
                 endpoint="assign_issue"),
            Rule(f"{V3}/issue/<key>/transitions", methods=["GET"], endpoint="get_transitions"),
            Rule(f"{V3}/issue/<key>/transitions", methods=["POST"], endpoint="do_transition"),
            Rule(f"{V3}/issue/<key>/properties", methods=["GET"], endpoint="issue_prop_keys"),
            Rule(f"{V3}/issue/<key>/properties/<prop>", methods=["GET"],
                 endpoint="get_issue_prop"),
            Rule(f"{V3}/issue/<key>/properties/<prop>", methods=["PUT"],
                 endpoint="put_issue_prop"),
        ]

    # -- fields and priorities ----------------------------------------------------------
    def list_fields(self, request: Request, user: dict, **_: Any) -> list[dict]:
        custom = [{"id": f["fieldId"], "key": f["fieldId"], "name": f["name"], "custom": True,
                   "orderable": True, "navigable": True, "searchable": True,
                   "clauseNames": [f"cf[{f['schema']['customId']}]", f["name"]],
                   "schema": f["schema"]} for f in self.store.query("fields")]
        system = [{**f, "key": f["id"], "custom": f["id"].startswith("customfield_"),
                   "orderable": True, "navigable": True, "searchable": True,
                   "clauseNames": [f["id"]]} for f in SYSTEM_FIELDS]
        return system + custom

    def list_priorities(self, request: Request, user: dict, **_: Any) -> list[dict]:
        return [render_priority(self.base_url(request), name) for name in PRIORITIES]

    # -- rendering ----------------------------------------------------------------------
    def render_issue(self, request: Request, issue: dict, wanted: set[str] | None,
                     properties: list[str]) -> dict:
        """``wanted`` None means every field."""
        base = self.base_url(request)
        out: dict[str, Any] = {"expand": "renderedFields,names,schema,transitions,properties",
                               "id": str(issue["id"]), "key": issue["key"],
                               "self": f"{base}{V3}/issue/{issue['id']}"}
        fields: dict[str, Any] = {}
        values = self.issue_fields(request, issue)
        for name, value in values.items():
            if wanted is None or name in wanted:
                fields[name] = value
        if fields or wanted is None or wanted - {"id", "key"}:
            out["fields"] = fields
        if properties:
            out["properties"] = {k: issue["properties"][k] for k in properties
                                 if k in issue["properties"]}
        return out

    def issue_fields(self, request: Request, issue: dict) -> dict[str, Any]:
        base = self.base_url(request)
        rtype = self.store.get("requesttypes", issue["requestTypeId"] or 0)
        orgs = [o for o in (self.store.get("organizations", i) for i in issue["organizations"])
                if o]
        values: dict[str, Any] = {
            "summary": issue["summary"], "description": issue["description"],
            "status": render_status(base, issue["status"]),
            "priority": render_priority(base, issue["priority"]),
            "labels": issue["labels"],
            "reporter": self.render_user(request, self.user_by_account(issue["reporter"])),
            "creator": self.render_user(request, self.user_by_account(issue["creator"])),
            "assignee": self.render_user(request, self.user_by_account(issue["assignee"])),
            "created": issue["created"], "updated": issue["updated"],
            "resolutiondate": issue["resolutiondate"],
            "issuetype": {"id": issue["issueTypeId"], "name": ISSUE_TYPES[issue["issueTypeId"]],
                          "subtask": False},
            "project": {"id": str(issue["projectId"]), "key": issue["projectKey"]},
            REQUEST_TYPE_FIELD: None if rtype is None else {
                "requestType": {"id": str(rtype["id"]), "name": rtype["name"],
                                "serviceDeskId": str(rtype["serviceDeskId"])},
                "currentStatus": {"status": issue["status"],
                                  "statusCategory": STATUSES[issue["status"]][1].upper()}},
            ORGANIZATIONS_FIELD: [{"id": str(o["id"]), "name": o["name"]} for o in orgs],
            "attachment": [self.render_attachment(request, a) for a in self.store.query(
                "attachments", "json_extract(doc, '$.issueId') = ?", [issue["id"]])],
        }
        for field in self.store.query("fields"):
            values[field["fieldId"]] = issue["custom"].get(field["fieldId"])
        return values

    # -- search -------------------------------------------------------------------------
    def search_removed(self, request: Request, user: dict, **_: Any) -> Response:
        raise platform_error(410, "The requested API has been removed. Please migrate to the "
                                  "/rest/api/3/search/jql API.")

    def search_jql(self, request: Request, user: dict, **_: Any) -> dict:
        args: dict[str, Any] = json_body(request) if request.method == "POST" else {
            "jql": request.args.get("jql", ""), "nextPageToken": request.args.get(
                "nextPageToken"), "maxResults": int_arg(request, "maxResults", 50),
            "fields": _split(request.args.getlist("fields")),
            "properties": _split(request.args.getlist("properties"))}
        text = str(args.get("jql") or "")
        if not text.strip() or "project" not in text.lower() and "key" not in text.lower():
            raise platform_error(400, "Unbounded JQL queries are not allowed here. Please add "
                                      "a search restriction to your query.")
        query = jql.parse(text)
        size = max(1, min(int(args.get("maxResults") or 50), SEARCH_MAX))
        start = _token_offset(args.get("nextPageToken"), text)
        rows = [i for i in self.store.query("issues") if all(f(i, user)
                                                             for f in query.filters)]
        rows.sort(key=jql.sort_key(query), reverse=query.descending)
        page = rows[start:start + size]
        wanted = _wanted(args.get("fields") or ["id"])
        props = list(args.get("properties") or [])[:5]
        out: dict[str, Any] = {"issues": [self.render_issue(request, i, wanted, props)
                                          for i in page],
                               "isLast": start + size >= len(rows)}
        if not out["isLast"]:
            out["nextPageToken"] = _token(start + size, text)
        return out

    # -- issues -------------------------------------------------------------------------
    def get_issue(self, request: Request, user: dict, key: str) -> dict:
        issue = self.issue(key)
        wanted = _wanted(_split(request.args.getlist("fields")) or ["*all"])
        props = _split(request.args.getlist("properties"))
        out = self.render_issue(request, issue, wanted, props)
        if "comment" in (wanted or {"comment"}):
            comments = self.comments_of(issue["id"])
            out.setdefault("fields", {})["comment"] = {
                "comments": [self.render_comment(request, c) for c in comments],
                "maxResults": len(comments), "total": len(comments), "startAt": 0}
        return out

    def create_issue(self, request: Request, user: dict, **_: Any) -> Response:
        """``POST /issue``: agents create issues directly (no request type)."""
        body = json_body(request)
        fields = body.get("fields") or {}
        project = fields.get("project") or {}
        desk = next((d for d in self.store.query("servicedesks")
                     if project.get("key") == d["projectKey"]
                     or str(project.get("id")) == str(d["projectId"])), None)
        errors = {}
        if desk is None:
            errors["project"] = "Specify a valid project ID or key"
        if not str(fields.get("summary") or "").strip():
            errors["summary"] = "You must specify a summary of the issue."
        if fields.get("description") is not None and not valid_adf(fields["description"]):
            errors["description"] = "Operation value must be an Atlassian Document."
        if errors or desk is None:
            raise platform_error(400, "", errors)
        issue = self.new_issue(desk, None, user, user["accountId"],
                               str(fields["summary"]), fields.get("description"))
        for prop in body.get("properties") or []:
            issue["properties"][prop["key"]] = prop["value"]
        self.apply_fields(issue, fields)
        self.store.put("issues", issue)
        return json_response({"id": str(issue["id"]), "key": issue["key"],
                              "self": f"{self.base_url(request)}{V3}/issue/{issue['id']}"}, 201)

    def apply_fields(self, issue: dict, fields: dict[str, Any]) -> None:
        """Field values an edit or create sets; labels refuse spaces like Jira."""
        if "labels" in fields:
            self.check_labels(fields["labels"])
            issue["labels"] = list(dict.fromkeys(fields["labels"]))
        if "priority" in fields:
            name = (fields["priority"] or {}).get("name")
            if name not in PRIORITIES:
                raise platform_error(400, "", {"priority": "Specify a valid priority."})
            issue["priority"] = name
        if "summary" in fields:
            issue["summary"] = str(fields["summary"])
        if ORGANIZATIONS_FIELD in fields:
            issue["organizations"] = self.organization_ids(fields[ORGANIZATIONS_FIELD])
        for field in self.store.query("fields"):
            if field["fieldId"] in fields:
                issue["custom"][field["fieldId"]] = fields[field["fieldId"]]

    def organization_ids(self, value: Any) -> list[int]:
        """The organizations field takes ``[id, ...]`` (numbers or ``{"id": ...}``)."""
        ids = [str(v.get("id") if isinstance(v, dict) else v) for v in value or []]
        if not all(i.isdigit() and self.store.get("organizations", int(i)) for i in ids):
            raise platform_error(400, "", {ORGANIZATIONS_FIELD: "Organization does not "
                                                                "exist."})
        return [int(i) for i in ids]

    @staticmethod
    def check_labels(labels: Any) -> None:
        if not isinstance(labels, list) or any(not isinstance(x, str) or " " in x or not x
                                               for x in labels):
            raise platform_error(400, "", {"labels": "The label '…' contains spaces which is "
                                                     "invalid."})

    def edit_issue(self, request: Request, user: dict, key: str) -> Response:
        issue = self.issue(key)
        body = json_body(request)
        self.apply_fields(issue, body.get("fields") or {})
        for op in (body.get("update") or {}).get("labels") or []:
            for verb, value in op.items():
                self.check_labels([value])
                if verb == "add" and value not in issue["labels"]:
                    issue["labels"].append(value)
                elif verb == "remove" and value in issue["labels"]:
                    issue["labels"].remove(value)
        self.touch(issue)
        return Response(status=204)

    def assign_issue(self, request: Request, user: dict, key: str) -> Response:
        """``{"accountId": id}`` assigns, ``null`` unassigns, ``"-1"`` gives the project's
        default assignee (here: unassigned, the default of a new service project). A 400
        when no ``accountId`` is given or more than one of ``name``/``key``/``accountId``
        (Cloud has no user names), and for a person who cannot be assigned: only active,
        licensed (atlassian) accounts can ("User '…' cannot be assigned issues.")."""
        issue = self.issue(key)
        body = json_body(request)
        given = [name for name in ("accountId", "name", "key") if name in body]
        if given != ["accountId"]:
            raise platform_error(400, "", {"accountId": "Specify the user to assign by "
                                                        "accountId only."})
        account = body["accountId"]
        if account is not None and account != "-1":
            person = self.user_by_account(account)
            if person is None or person["accountType"] != "atlassian" or not person["active"]:
                raise platform_error(400, "", {"assignee": f"User '{account}' cannot be "
                                                           "assigned issues."})
        issue["assignee"] = None if account == "-1" else account
        self.touch(issue)
        return Response(status=204)

    def delete_issue(self, request: Request, user: dict, key: str) -> Response:
        issue = self.issue(key)
        for collection in ("comments", "attachments"):
            for row in self.store.query(collection, "json_extract(doc, '$.issueId') = ?",
                                        [issue["id"]]):
                self.store.delete(collection, row["id"])
        self.store.delete("issues", issue["id"])
        return Response(status=204)

    # -- transitions --------------------------------------------------------------------
    def get_transitions(self, request: Request, user: dict, key: str) -> dict:
        issue = self.issue(key)
        return {"expand": "transitions",
                "transitions": transitions(self.base_url(request), issue["status"])}

    def do_transition(self, request: Request, user: dict, key: str) -> Response:
        issue = self.issue(key)
        wanted = str((json_body(request).get("transition") or {}).get("id", ""))
        target = status_of_transition(wanted)
        if target is None or target == issue["status"]:
            raise platform_error(400, "", {"transition": f"Transition id '{wanted}' is not "
                                                         "valid for this issue."})
        issue["status"] = target
        done = STATUSES[target][1] == "done"
        issue["resolutiondate"] = (issue["resolutiondate"] or now_stamp()) if done else None
        self.touch(issue)
        return Response(status=204)

    # -- entity properties --------------------------------------------------------------
    def issue_prop_keys(self, request: Request, user: dict, key: str) -> dict:
        issue = self.issue(key)
        base = self.base_url(request)
        return {"keys": [{"self": f"{base}{V3}/issue/{issue['id']}/properties/{k}", "key": k}
                         for k in issue["properties"]]}

    def get_issue_prop(self, request: Request, user: dict, key: str, prop: str) -> dict:
        issue = self.issue(key)
        if prop not in issue["properties"]:
            raise platform_error(404, f"The property with key '{prop}' does not exist.")
        return {"key": prop, "value": issue["properties"][prop]}

    def put_issue_prop(self, request: Request, user: dict, key: str, prop: str) -> Response:
        issue = self.issue(key)
        created = prop not in issue["properties"]
        issue["properties"][prop] = property_value(request)
        self.store.put("issues", issue)
        return Response(status=201 if created else 200)



def _split(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _wanted(fields: list[str]) -> set[str] | None:
    if "*all" in fields:
        return None
    wanted = {f for f in fields if not f.startswith("-")}
    if "*navigable" in wanted:
        wanted |= set(NAVIGABLE)
    return wanted


def _token(offset: int, jql_text: str) -> str:
    digest = hashlib.sha1(jql_text.encode()).hexdigest()[:12]
    return base64.urlsafe_b64encode(f"{offset}:{digest}".encode()).decode()


def _token_offset(token: Any, jql_text: str) -> int:
    if not token:
        return 0
    try:
        offset, digest = base64.urlsafe_b64decode(str(token)).decode().split(":")
    except (ValueError, UnicodeDecodeError):
        raise platform_error(400, "The nextPageToken is invalid.") from None
    if digest != hashlib.sha1(jql_text.encode()).hexdigest()[:12]:
        raise platform_error(400, "The nextPageToken does not belong to this query.")
    return int(offset)
