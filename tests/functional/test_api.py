"""The JSON API: bearer tokens, ETag/If-Match locking, strict documents, the same scopes as the pages."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.domain.codec import document_from_json, dumps, loads, sha256_text, to_data
from portal.extensions import db
from portal.models import AuditEntry
from portal.services import filings as filing_service
from portal.services import review as decisions
from tests.conftest import login
from tests.helpers import example_text

EXAMPLE = "ghg-jx-cement-2024.json"


def _token(world, role: str) -> str:  # type: ignore[no-untyped-def]
    """Give a user an API token directly (the page that issues them is tested below)."""
    token = f"test-token-{role}"
    world.users[role].api_token_hash = sha256_text(token)
    db.session.commit()  # a savepoint release: a refused request's rollback must not take the token with it
    return token


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _url(filing) -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/filings/{filing.id}/draft"


def _put(client, filing, body: str | bytes, token: str, revision: int | str | None):  # type: ignore[no-untyped-def]
    headers = _auth(token)
    if revision is not None:
        headers["If-Match"] = f'"{revision}"'
    return client.put(_url(filing), data=body, headers=headers, content_type="application/json")


def _modified_example(consumption: int) -> str:
    data = loads(example_text(EXAMPLE))
    data["fuels"][0]["consumption"] = consumption
    return dumps(data)


def test_get_returns_document_computed_findings_and_revision(client, world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "filer_a")
    response = client.get(_url(world.filing_a), headers=_auth(token))
    assert response.status_code == 200
    assert response.headers["ETag"] == f'"{world.filing_a.revision}"'
    assert response.headers["Cache-Control"] == "no-store"
    body = loads(response.get_data())
    assert body["revision"] == world.filing_a.revision
    assert body["document"] == to_data(document_from_json(example_text(EXAMPLE)))
    assert body["computed"]["total_tco2"] == Decimal(1067866)
    assert isinstance(body["findings"], list)
    assert all({"rule", "severity", "path", "message_zh", "message_en"} <= set(f) for f in body["findings"])


def test_put_replaces_the_draft_with_if_match(client, world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "filer_a")
    revision = world.filing_a.revision
    response = _put(client, world.filing_a, _modified_example(170000), token, revision)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = loads(response.get_data())
    assert body["revision"] == revision + 1
    assert response.headers["ETag"] == f'"{revision + 1}"'
    assert body["document"]["fuels"][0]["consumption"] == 170000
    assert body["computed"]["total_tco2"] == Decimal(1089533)
    db.session.refresh(world.filing_a)
    assert filing_service.draft_document(world.filing_a).fuels[0].consumption == Decimal(170000)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "filing.save_draft")).all()[-1]
    assert entry.actor_id == world.users["filer_a"].id


def test_put_without_if_match_is_428_and_stale_is_412(client, world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "filer_a")
    revision = world.filing_a.revision
    assert _put(client, world.filing_a, _modified_example(1), token, None).status_code == 428
    assert _put(client, world.filing_a, _modified_example(1), token, "*").status_code == 428
    assert _put(client, world.filing_a, _modified_example(170000), token, revision).status_code == 200
    stale = _put(client, world.filing_a, _modified_example(180000), token, revision)
    assert stale.status_code == 412
    assert stale.get_json()["error"]["revision"] == revision + 1
    db.session.refresh(world.filing_a)
    assert filing_service.draft_document(world.filing_a).fuels[0].consumption == Decimal(170000)
    # weak or unquoted forms of the current revision are accepted too
    headers = {**_auth(token), "If-Match": f"W/\"{revision + 1}\""}
    response = client.put(_url(world.filing_a), data=_modified_example(1), headers=headers,
                          content_type="application/json")
    assert response.status_code == 200


@pytest.mark.parametrize(("mutate", "path"), [
    (lambda d: d["fuels"][0].update(consumtion=1), "fuels[0].consumtion"),
    (lambda d: d["fuels"][1].update(consumption="120"), "fuels[1].consumption"),
    (lambda d: d.pop("reporting_year"), "reporting_year"),
    (lambda d: d["boilers"].append({"id": "1#", "fuel": "coal", "commissioned": "2021-02-30"}), "boilers[0].commissioned"),
])
def test_strict_codec_errors_are_422_with_the_path(client, world, mutate, path: str) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "filer_a")
    data = loads(example_text(EXAMPLE))
    mutate(data)
    response = _put(client, world.filing_a, dumps(data), token, world.filing_a.revision)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["path"] == path
    assert error["message_zh"] and error["message_en"]


def test_not_json_and_wrong_identity_are_refused(client, world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "filer_a")
    revision = world.filing_a.revision
    response = _put(client, world.filing_a, "{not json", token, revision)
    assert response.status_code == 422 and response.get_json()["error"]["path"] == ""
    data = loads(example_text(EXAMPLE))
    data["enterprise"]["uscc"] = "913201001345678904"
    response = _put(client, world.filing_a, dumps(data), token, revision)
    assert response.status_code == 422 and response.get_json()["error"]["path"] == "enterprise.uscc"
    response = client.put(_url(world.filing_a), data=example_text(EXAMPLE), content_type="text/plain",
                          headers={**_auth(token), "If-Match": f'"{revision}"'})
    assert response.status_code == 415


def test_no_token_is_401_and_a_session_may_read_but_not_write(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.get(_url(world.filing_a))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get(_url(world.filing_a), headers=_auth("wrong")).status_code == 401
    assert client.get(_url(world.filing_a), headers={"Authorization": "Basic abc"}).status_code == 401
    login(client, "filer_a@test.cn")
    assert client.get(_url(world.filing_a)).status_code == 200
    response = client.put(_url(world.filing_a), data=example_text(EXAMPLE), content_type="application/json",
                          headers={"If-Match": f'"{world.filing_a.revision}"'})
    assert response.status_code == 401
    # a wrong token is not rescued by the session
    assert client.get(_url(world.filing_a), headers=_auth("wrong")).status_code == 401


def test_scope_is_the_same_as_on_the_pages(client, world) -> None:  # type: ignore[no-untyped-def]
    tokens = {role: _token(world, role) for role in ("filer_b", "reviewer_jx", "reviewer_js", "signatory_a", "admin")}
    body = example_text(EXAMPLE)
    revision = world.filing_a.revision
    assert client.get(_url(world.filing_a), headers=_auth(tokens["filer_b"])).status_code == 404
    assert _put(client, world.filing_a, body, tokens["filer_b"], revision).status_code == 404
    assert client.get(_url(world.filing_a), headers=_auth(tokens["reviewer_js"])).status_code == 404
    assert client.get("/api/v1/filings/999999/draft", headers=_auth(tokens["filer_b"])).status_code == 404
    # reviewers and administrators read in their scope but never write
    assert client.get(_url(world.filing_a), headers=_auth(tokens["reviewer_jx"])).status_code == 200
    assert _put(client, world.filing_a, body, tokens["reviewer_jx"], revision).status_code == 404
    assert client.get(_url(world.filing_a), headers=_auth(tokens["admin"])).status_code == 200
    assert _put(client, world.filing_a, body, tokens["admin"], revision).status_code == 404
    assert _put(client, world.filing_a, _modified_example(5), tokens["signatory_a"], revision).status_code == 200


def test_an_inactive_user_token_is_refused(client, world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "filer_a")
    world.users["filer_a"].active = False
    db.session.flush()
    assert client.get(_url(world.filing_a), headers=_auth(token)).status_code == 401


def test_an_accepted_filing_cannot_be_written(client, world) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers import PASSWORD

    token = _token(world, "filer_a")
    filing_service.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    decisions.accept_filing(world.users["reviewer_jx"], world.filing_a)
    db.session.flush()
    response = _put(client, world.filing_a, example_text(EXAMPLE), token, world.filing_a.revision)
    assert response.status_code == 409


def test_the_token_page_issues_a_token_once_and_stores_its_hash(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    page = client.get("/account/api-token").get_data(as_text=True)
    assert "您还没有 API 令牌" in page
    page = client.post("/account/api-token", data={"action": "issue"}).get_data(as_text=True)
    token = re.search(r'id="new-token" type="text" readonly value="([^"]+)"', page).group(1)
    assert len(token) >= 40
    user = world.users["filer_a"]
    db.session.refresh(user)
    assert user.api_token_hash == sha256_text(token) and token not in (user.api_token_hash or "")
    actions = [e.action for e in db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "user"))]
    assert "account.api_token_issue" in actions
    assert token not in client.get("/account/api-token").get_data(as_text=True)  # shown once
    client.post("/logout")
    response = client.get(_url(world.filing_a), headers=_auth(token))
    assert response.status_code == 200
    # a new token replaces the old one; revoking ends it
    login(client, "filer_a@test.cn")
    page = client.post("/account/api-token", data={"action": "issue"}).get_data(as_text=True)
    second = re.search(r'id="new-token" type="text" readonly value="([^"]+)"', page).group(1)
    client.post("/logout")
    assert client.get(_url(world.filing_a), headers=_auth(token)).status_code == 401
    assert client.get(_url(world.filing_a), headers=_auth(second)).status_code == 200
    login(client, "filer_a@test.cn")
    client.post("/account/api-token", data={"action": "revoke"})
    client.post("/logout")
    assert client.get(_url(world.filing_a), headers=_auth(second)).status_code == 401


def test_the_api_is_exempt_from_csrf_but_the_token_page_is_not(app, client, world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "filer_a")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = _put(client, world.filing_a, _modified_example(7), token, world.filing_a.revision)
        assert response.status_code == 200
        login_page = client.get("/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
        client.post("/login", data={"email": "filer_a@test.cn", "password": "correct-horse-battery",
                                    "csrf_token": csrf})
        assert client.post("/account/api-token", data={"action": "issue"}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_json_body_shape_round_trips(client, world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "filer_a")
    body = loads(client.get(_url(world.filing_a), headers=_auth(token)).get_data())
    response = _put(client, world.filing_a, dumps(body["document"]), token, body["revision"])
    assert response.status_code == 200
    assert loads(response.get_data())["revision"] == body["revision"]  # unchanged document: no new revision
