"""Site administration of accounts: who may remove whom (domain/permissions.py
`check_user_removal`, on DELETE /v1/users/{id} and on purging a user from the trash)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from support.api import unique_email

pytestmark = pytest.mark.integration


@pytest.fixture
def site(api):
    """A super admin, a second super admin, a site admin and a plain user, signed in."""
    from chalicelib.domain.accounts import make_super_admin

    people = {}
    for name in ("root", "second_root"):
        email = unique_email(name)
        user, _ = make_super_admin(email=email, password="super admin password", name=name)
        people[name] = {"id": user.id, "token": api.login(email, "super admin password")}
    people["admin"] = api.user("admin")
    api.json("PATCH", f"/v1/users/{people['admin']['id']}", {"is_admin": True}, token=people["root"]["token"], expect=200)
    people["plain"] = api.user("plain")
    return people


def _delete(api, site, who, whom):
    return api.call("DELETE", f"/v1/users/{site[whom]['id']}", token=site[who]["token"]).status_code


def _purge(api, site, who, whom):
    return api.call("DELETE", f"/v1/trash/user/{site[whom]['id']}", token=site[who]["token"]).status_code


def test_admin_cannot_delete_a_super_admin(api, site):
    assert _delete(api, site, "admin", "root") == 403
    assert api.call("GET", "/v1/me", token=site["root"]["token"]).status_code == 200


def test_admin_cannot_purge_a_trashed_admin(api, site):
    other_admin = api.user("other_admin")
    api.json("PATCH", f"/v1/users/{other_admin['id']}", {"is_admin": True}, token=site["root"]["token"], expect=200)
    site["other_admin"] = other_admin

    trashed = _delete(api, site, "root", "other_admin")
    purged_by_admin = _purge(api, site, "admin", "other_admin")
    purged_by_root = _purge(api, site, "root", "other_admin")

    assert (trashed, purged_by_admin, purged_by_root) == (200, 403, 200)


def test_nobody_deletes_themselves_through_the_admin_route(api, site):
    assert [_delete(api, site, who, who) for who in ("admin", "root")] == [403, 403]


def test_super_admin_removes_an_admin_and_admins_remove_plain_users(api, site):
    assert _delete(api, site, "admin", "plain") == 200
    assert _delete(api, site, "second_root", "root") == 200
    assert _delete(api, site, "second_root", "admin") == 200


def test_admins_find_users_by_part_of_the_name_in_any_case(api, site):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    wanted = api.signup(unique_email("findable"), name="Zyxwvu Findable")
    found = api.json("GET", "/v1/users?name=ZYXWVU%20find&limit=100", token=site["admin"]["token"], expect=200)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(q=st.text(max_size=300), name=st.text(max_size=300))
    def hostile(q, name):
        answer = api.client.http.get(
            "/v1/users?" + urlencode({"q": q, "name": name}), headers={"Authorization": f"Bearer {site['admin']['token']}"}
        )
        body = json.loads(answer.body)
        assert answer.status_code in (200, 400), (answer.status_code, body)
        if answer.status_code == 400:
            assert set(body["error"]["fields"]) & {"q", "name", "limit", "next"}

    hostile()

    assert [u["id"] for u in found["items"]] == [wanted["id"]]
