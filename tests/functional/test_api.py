"""The JSON API: bearer tokens, ETag/If-Match locking, strict documents, the same scopes as the pages."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.domain.codec import document_from_json, dumps, loads, sha256_text, to_data
from portal.extensions import db
from portal.models import ApiToken, AuditEntry
from portal.services import filings as filing_service
from portal.services import review as decisions
from portal.services import tokens
from tests.conftest import login
from tests.helpers import example_text

EXAMPLE = "ghg-jx-cement-2024.json"


def _token(world, role: str, scope: str = "write") -> str:  # type: ignore[no-untyped-def]
    """Give a user an API token through the service (the page that issues them is tested below)."""
    user = world.users[role]
    token = tokens.issue(user, user, name="test", scope=scope)[1]
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
    # the answer is the new revision and its hash, not the document (issue 19 item 4) …
    assert "document" not in body and body["sha256"] == sha256_text(world.filing_a.draft_json)
    # … unless asked for (Prefer: return=representation, or ?return=document)
    response = client.put(_url(world.filing_a) + "?return=document", data=_modified_example(170000),
                          headers={**_auth(token), "If-Match": f'"{revision + 1}"'}, content_type="application/json")
    body = loads(response.get_data())
    assert body["revision"] == revision + 1  # the same document: no new revision
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
    assert stale.status_code == 412 and stale.mimetype == "application/problem+json"
    assert stale.get_json()["revision"] == revision + 1
    db.session.refresh(world.filing_a)
    assert filing_service.draft_document(world.filing_a).fuels[0].consumption == Decimal(170000)
    # If-Match compares strongly (RFC 9110 13.1.1): a weak tag of the current revision is refused, naming why
    headers = {**_auth(token), "If-Match": f"W/\"{revision + 1}\""}
    response = client.put(_url(world.filing_a), data=_modified_example(1), headers=headers,
                          content_type="application/json")
    assert response.status_code == 412
    assert response.get_json()["type"] == "/api/v1/problems/weak-etag"
    assert "W/" in response.get_json()["detail_en"]


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
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    error = response.get_json()["errors"][0]
    assert error["path"] == path
    assert error["message_zh"] and error["message_en"]


def test_not_json_and_wrong_identity_are_refused(client, world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "filer_a")
    revision = world.filing_a.revision
    response = _put(client, world.filing_a, "{not json", token, revision)
    assert response.status_code == 422 and response.get_json()["errors"][0]["path"] == ""
    data = loads(example_text(EXAMPLE))
    data["enterprise"]["uscc"] = "913201001345678904"
    response = _put(client, world.filing_a, dumps(data), token, revision)
    assert response.status_code == 422 and response.get_json()["errors"][0]["path"] == "enterprise.uscc"
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
    # a draft is the enterprise's until submitted: reviewers and administrators neither read nor write it
    # (issue 16 item 6; they read the submitted versions)
    assert client.get(_url(world.filing_a), headers=_auth(tokens["reviewer_jx"])).status_code == 404
    assert _put(client, world.filing_a, body, tokens["reviewer_jx"], revision).status_code == 404
    assert client.get(_url(world.filing_a), headers=_auth(tokens["admin"])).status_code == 404
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


def _new_token(page: str) -> str:
    return re.search(r'id="new-token" type="text" readonly value="([^"]+)"', page).group(1)


def test_the_token_page_issues_named_scoped_tokens_once_and_stores_their_hashes(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    old = client.get("/account/api-token")  # the old address still leads to the page
    assert old.status_code == 301 and old.headers["Location"].endswith("/account/tokens")
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "您还没有 API 令牌" in page
    page = client.post("/account/tokens", data={"name": "ERP 接口", "scope": "read", "days": "30"}).get_data(
        as_text=True)
    token = _new_token(page)
    assert len(token) >= 40
    user = world.users["filer_a"]
    row = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    assert row.token_hash == sha256_text(token) and token not in row.token_hash
    assert (row.name, row.scope) == ("ERP 接口", "read")
    assert dt.timedelta(days=29, hours=23) < row.expires_at - row.created_at <= dt.timedelta(days=30)
    actions = [e.action for e in db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "api_token"))]
    assert "api_token.issue" in actions
    listed = client.get("/account/tokens").get_data(as_text=True)
    assert token not in listed and "ERP 接口" in listed and "从未使用" in listed  # shown once; never used yet
    # a read token reads, and its use shows on the page with the address it came from (an ERP system: no cookie)
    erp = client.application.test_client()
    assert erp.get(_url(world.filing_a), headers=_auth(token), environ_base={"REMOTE_ADDR": "203.0.113.7"}
                   ).status_code == 200
    listed = client.get("/account/tokens").get_data(as_text=True)
    assert "从未使用" not in listed and "203.0.113.7" in listed
    # a read token may not write: 403 (insufficient scope)
    assert _put(client, world.filing_a, example_text(EXAMPLE), token, world.filing_a.revision).status_code == 403
    # a second token, of write scope; tokens are independent, revoking one leaves the other
    second = _new_token(client.post("/account/tokens", data={"name": "批量", "scope": "write", "days": "365"})
                        .get_data(as_text=True))
    client.post(f"/account/tokens/{row.id}/revoke")
    assert client.get(_url(world.filing_a), headers=_auth(token)).status_code == 401
    assert client.get(_url(world.filing_a), headers=_auth(second)).status_code == 200
    # a lifetime beyond a year, or a scope that does not exist, is refused with the field named
    too_long = client.post("/account/tokens", data={"name": "x", "scope": "write", "days": "366"})
    assert too_long.status_code == 422 and "365" in too_long.get_data(as_text=True)
    assert client.post("/account/tokens", data={"name": "x", "scope": "admin", "days": "1"}).status_code == 422
    # another user's token cannot be revoked from here
    other = tokens.issue(world.users["filer_b"], world.users["filer_b"], name="b", scope="read")[0]
    assert client.post(f"/account/tokens/{other.id}/revoke").status_code == 404
    assert other.revoked_at is None


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
        assert client.post("/account/tokens", data={"name": "x", "scope": "read", "days": "1"}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_json_body_shape_round_trips(client, world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world, "filer_a")
    body = loads(client.get(_url(world.filing_a), headers=_auth(token)).get_data())
    response = _put(client, world.filing_a, dumps(body["document"]), token, body["revision"])
    assert response.status_code == 200
    assert loads(response.get_data())["revision"] == body["revision"]  # unchanged document: no new revision
