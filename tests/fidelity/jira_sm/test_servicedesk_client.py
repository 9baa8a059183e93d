"""atlassian-python-api's ``ServiceDesk`` (Cloud) against the sandbox, as its docs use it:
info, desks, request types, customers, organizations and membership, requests raised on
behalf, comments (public and internal) and attachments in two calls."""

from __future__ import annotations

import pytest
from atlassian import ServiceDesk
from requests import HTTPError


@pytest.fixture
def sd(site) -> ServiceDesk:
    return ServiceDesk(url=site.url, username=site.email, password=site.token, cloud=True)


def test_info_desks_and_request_types(sd, site):
    assert sd.get_info()["isLicensedForUse"] is True
    desks = sd.get_service_desks()
    assert [d["projectKey"] for d in desks] == [site.desk, "ITS"]
    types = {t["name"]: t for t in sd.get_request_types(desks[0]["id"])["values"]}
    assert {"Get IT help", "Report a bug", "Ask a question"} == set(types)
    fields = sd.get_request_type_fields(desks[0]["id"], types["Report a bug"]["id"])
    required = {f["name"] for f in fields["requestTypeFields"] if f["required"]}
    assert required == {"Summary", "Product"}


def test_customers_organizations_requests_comments_attachments(sd, site, tmp_path):
    desk = sd.get_service_desk_by_id(site.desk)["id"]
    customer = sd.create_customer("Zoë Müller", "zoe@example.test")
    assert customer["displayName"] == "Zoë Müller"
    with pytest.raises(HTTPError):
        sd.create_customer("Zoë again", "zoe@example.test")  # exists: 400 without strict
    org = sd.create_organization("Zoë's Bakery")
    sd.add_users_to_organization(org["id"], account_list=[customer["accountId"]])
    members = sd.get_users_in_organization(org["id"])["values"]
    assert [m["emailAddress"] for m in members] == ["zoe@example.test"]
    assert any(o["name"] == "Zoë's Bakery" for o in sd.get_organisations()["values"])
    request = sd.create_customer_request(desk, "3", {"summary": "Croissants are late",
                                                     "description": "Since Monday"},
                                         raise_on_behalf_of=customer["accountId"])
    key = request["issueKey"]
    assert request["reporter"]["emailAddress"] == "zoe@example.test"
    sd.create_request_comment(key, "We are baking faster")
    sd.create_request_comment(key, "Oven broken, do not tell", public=False)
    comments = sd.get_request_comments(key)
    assert [(c["body"], c["public"]) for c in comments] == [
        ("We are baking faster", True), ("Oven broken, do not tell", False)]
    public_only = sd.get_request_comments(key, internal=False)
    assert [c["body"] for c in public_only] == ["We are baking faster"]
    path = tmp_path / "receipt.txt"
    path.write_text("2 × croissant")
    temp = sd.attach_temporary_file(desk, str(path))
    assert temp.startswith("temp")
    sd.add_attachment(key, temp, public=False, comment="Receipt attached")
    files = sd.get(f"rest/servicedeskapi/request/{key}/attachment")["values"]
    assert [f["filename"] for f in files] == ["receipt.txt"]
    customers = sd.get_customers(desk, query="zoe")["values"]
    assert [c["emailAddress"] for c in customers] == ["zoe@example.test"]
