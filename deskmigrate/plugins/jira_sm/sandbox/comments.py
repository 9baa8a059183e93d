"""Platform v3 comments: ADF bodies, ``jsdPublic``, and the ``sd.public.comment`` property
that makes one internal."""

from __future__ import annotations

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox.app import json_response

from .base import V3, JsmBase, int_arg, json_body, platform_error, property_value, valid_adf

INTERNAL = "sd.public.comment"


class CommentRoutes(JsmBase):
    def comment_rules(self) -> list[Rule]:
        return [
            Rule(f"{V3}/issue/<key>/comment", methods=["GET"], endpoint="list_comments"),
            Rule(f"{V3}/issue/<key>/comment", methods=["POST"], endpoint="add_comment"),
            Rule(f"{V3}/issue/<key>/comment/<int:comment_id>", methods=["GET"],
                 endpoint="get_comment"),
            Rule(f"{V3}/issue/<key>/comment/<int:comment_id>", methods=["DELETE"],
                 endpoint="delete_comment"),
            Rule(f"{V3}/comment/<int:comment_id>/properties/<prop>", methods=["GET"],
                 endpoint="get_comment_prop"),
            Rule(f"{V3}/comment/<int:comment_id>/properties/<prop>", methods=["PUT"],
                 endpoint="put_comment_prop"),
        ]

    def render_comment(self, request: Request, row: dict, with_properties: bool = False
                       ) -> dict:
        base = self.base_url(request)
        author = self.render_user(request, self.user_by_account(row["author"]))
        out = {"self": f"{base}{V3}/issue/{row['issueId']}/comment/{row['id']}",
               "id": str(row["id"]), "author": author, "updateAuthor": author,
               "body": row["body"], "created": row["created"], "updated": row["updated"],
               "jsdPublic": row["public"]}
        if with_properties:
            props = {**row["properties"], INTERNAL: {"internal": not row["public"]}}
            out["properties"] = [{"key": k, "value": v} for k, v in props.items()]
        return out

    # -- comments -----------------------------------------------------------------------
    def list_comments(self, request: Request, user: dict, key: str) -> dict:
        issue = self.issue(key)
        rows = self.comments_of(issue["id"])
        if request.args.get("orderBy", "").startswith("-"):
            rows.reverse()
        start = int_arg(request, "startAt", 0)
        size = int_arg(request, "maxResults", 100, 100)
        expand = "properties" in request.args.get("expand", "")
        return {"startAt": start, "maxResults": size, "total": len(rows),
                "comments": [self.render_comment(request, c, expand)
                             for c in rows[start:start + size]]}

    def add_comment(self, request: Request, user: dict, key: str) -> Response:
        issue = self.issue(key)
        body = json_body(request)
        if not valid_adf(body.get("body")):
            raise platform_error(400, "", {"comment": "Comment body is not valid!"})
        props = {p["key"]: p["value"] for p in body.get("properties") or []
                 if isinstance(p, dict) and "key" in p}
        internal = bool((props.pop(INTERNAL, None) or {}).get("internal"))
        row = self.insert_comment(issue, user["accountId"], body["body"], not internal, props)
        return json_response(self.render_comment(request, row, True), 201)

    def comment(self, issue: dict, comment_id: int) -> dict:
        row = self.store.get("comments", comment_id)
        if row is None or row["issueId"] != issue["id"]:
            raise platform_error(404, "Can not find a comment for the id: "
                                      f"{comment_id}.")
        return row

    def get_comment(self, request: Request, user: dict, key: str, comment_id: int) -> dict:
        expand = "properties" in request.args.get("expand", "")
        return self.render_comment(request, self.comment(self.issue(key), comment_id), expand)

    def delete_comment(self, request: Request, user: dict, key: str, comment_id: int
                       ) -> Response:
        self.store.delete("comments", self.comment(self.issue(key), comment_id)["id"])
        return Response(status=204)

    def get_comment_prop(self, request: Request, user: dict, comment_id: int, prop: str
                         ) -> dict:
        row = self.store.get("comments", comment_id)
        props = {} if row is None else {**row["properties"],
                                        INTERNAL: {"internal": not row["public"]}}
        if prop not in props:
            raise platform_error(404, f"The property with key '{prop}' does not exist.")
        return {"key": prop, "value": props[prop]}

    def put_comment_prop(self, request: Request, user: dict, comment_id: int, prop: str
                         ) -> Response:
        row = self.store.get("comments", comment_id)
        if row is None:
            raise platform_error(404, f"Can not find a comment for the id: {comment_id}.")
        value = property_value(request)
        if prop == INTERNAL:
            row["public"] = not bool((value or {}).get("internal"))
        else:
            row["properties"][prop] = value
        self.store.put("comments", row)
        return Response(status=200)
