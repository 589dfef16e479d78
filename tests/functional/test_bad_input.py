"""Bad input on every form gets a clear 4xx naming the field, never a 500 (issue 16 item 8).

The forms are not listed by hand: every page a role can open is read, and every ``<form>`` on it is taken with
its fields and their current values. Each field is then sent, one at a time, with the issue's probes — integers
past the 32-bit columns (2³¹, 10³⁰), a NUL byte, 100 kB of text — the other fields keeping their values. Every
POST endpoint of the app must have been found on some page (or be covered by a test of its own, listed below),
so a new form cannot escape.

Expected: no 500 ever; a NUL or 100 kB answers 400 naming the field; a big integer in an integer field answers
a 4xx naming it (400 from the forms' bounds, 422 from a document field's own range check); a big number in a
text field is just text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from flask import Flask

from forms.disclosure import ANNUAL_SECTIONS as DISCLOSURE_SECTIONS
from forms.ghg import SECTIONS as GHG_SECTIONS
from portal.extensions import db
from portal.services import credentials, filings, review, tokens
from portal.web import LONG_VALUES
from tests.conftest import PASSWORD, login

PROBES = {"2**31": str(2**31), "10**30": str(10**30), "NUL": "a\x00b", "100kB": "x" * 100_000}

# What a role opens to find its forms ({…} filled in from the world).
PAGES: dict[str, tuple[str, ...]] = {
    "filer_a": ("/my", "/enterprises/{a}", "/filings/{filing}", "/filings/{filing}/json", "/account/",
                "/account/password", "/account/tokens", "/account/two-factor", "/uploads/", "/verify",
                "/notifications/", "/jobs/{job}", "/filings/{returned}", "/filings/{returned}/attachments",
                "/filings/{filing}/attachments",
                "/enterprises/{a}/master-data",
                *(f"/filings/{{filing}}/edit/{section.slug}" for section in GHG_SECTIONS),
                # an annual disclosure (issue 17): its filing page (重新预填) and its section forms
                "/filings/{disclosure}",
                *(f"/filings/{{disclosure}}/edit/{section.slug}" for section in DISCLOSURE_SECTIONS)),
    "signatory_a": ("/filings/{filing}/submit",),
    # before the reviewer, whose probes of the decision forms may return filing A (the verifier's forms need it
    # under review)
    "verifier_a": ("/verification/filings/{filing}",),
    "reviewer_jx": ("/review/filings/{filing}", "/review/", "/notifications/", "/dashboard/", "/review/ledger",
                    "/review/credit", "/review/master-data", "/review/engagements?year=2023"),
    "security": ("/admin/users/new", "/admin/users/{user}", "/admin/users/{reviewer}", "/admin/grants",
                 "/admin/enterprises/{a}", "/admin/enterprises"),
    "admin": ("/admin/enterprises/new", "/admin/enterprises/{a}", "/admin/verification-bodies",
              "/admin/reference?target=product&code=cement_clinker&field=benchmark", "/admin/obligations"),
    "auditor": ("/admin/audit",),
    "": ("/login", "/password/forgot", "/password/reset/{reset}", "/welcome/{invite}"),
}
# POST endpoints whose form no page above shows, each with the test that probes it.
PROBED_ELSEWHERE = {
    "api.draft": "test_the_api_refuses_bad_values_naming_the_path",
    "api.put_draft": "test_the_api_refuses_bad_values_naming_the_path",
    # The JSON API has no forms: tests/contract/test_openapi_contract.py sends every operation generated bad
    # input and requires a 4xx problem (never a 500); test_api_v1.py names the fields.
    "api.check_filing": "tests/contract/test_openapi_contract.py",
    "api.create_comment": "tests/contract/test_openapi_contract.py",
    "api.create_filing": "tests/contract/test_openapi_contract.py",
    "api.create_import": "tests/contract/test_openapi_contract.py",
    "api.submit_filing": "tests/contract/test_openapi_contract.py",
    "drafts.preview": "(probed with each section's form: the page's script posts the same fields there)",
    "auth.second_factor": "test_the_second_factor_step_refuses_bad_input",
    "filings.open_filing": "(its form appears only for a year without a filing: probed below by hand)",
    "exports.queue_version_file": "(no field but the CSRF token; shown only when a render failed or never ran: "
                                  "test_render_jobs.py)",
    "regulator.reopen": "(shown only on an accepted filing: test_regulator_tools.py::test_reopen_needs_a_reason)",
    "verification.attachment": "(no form: a change to a submitted attachment is refused, 409: test_verification.py)",
    "verification.accept": "(no field but the CSRF token; shown only for a concluded verification: "
                           "test_verification.py)",
    "filings.delete": "(no field but the CSRF token; shown only on a draft never submitted: "
                      "test_delete_and_withdraw.py)",
    "filings.withdraw": "(no field but the CSRF token; shown only before review starts: test_delete_and_withdraw.py)",
}
INT_NAMES = {"revision", "year", "days", "page"}


@dataclass
class Form:
    """Hold one form found on a page: where it posts and its fields with their current values."""

    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    buttons: dict[str, str] = field(default_factory=dict)


class _Forms(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._chose = False
        self._textarea: str | None = None
        self._by_id: dict[str, Form] = {}
        self._outside: list[tuple[str, dict[str, str]]] = []  # fields naming their form by id (form="…")
        self._inside: Form | None = None

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._inside = self._form = Form(a.get("method", "get").lower(), a.get("action") or self.page_url)
            self.forms.append(self._form)
            if a.get("id"):
                self._by_id[a["id"]] = self._form
        if a.get("form") and tag in ("input", "textarea", "select"):
            self._outside.append((tag, a))
            return
        self._form = self._inside
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button"):
                self._form.buttons.setdefault(name, a.get("value", ""))
            elif kind in ("checkbox", "radio"):
                self._form.types[name] = kind
                if "checked" in a:
                    self._form.fields.setdefault(name, []).append(a.get("value", "y"))
            elif kind != "file":
                self._form.types[name] = kind
                self._form.fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "button" and name:
            self._form.buttons.setdefault(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select, self._first_option, self._chose = name, None, False
            self._form.types[name] = "select"
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._form.fields.setdefault(self._select, []).append(value)
                self._chose = True
        elif tag == "textarea" and name:
            self._textarea = name
            self._form.types[name] = "textarea"
            self._form.fields[name] = [""]

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._textarea and self._form is not None:
            self._form.fields[self._textarea][0] += data

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "select" and self._select and self._form is not None:
            if not self._chose and self._first_option is not None:
                self._form.fields.setdefault(self._select, []).append(self._first_option)
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = self._inside = None

    def close(self) -> None:  # type: ignore[override]
        super().close()
        for tag, a in self._outside:
            form = self._by_id.get(a["form"])
            if form is not None and a.get("name"):
                form.types[a["name"]] = "textarea" if tag == "textarea" else a.get("type", "text")
                form.fields.setdefault(a["name"], [a.get("value", "")])


def forms_on(html: str, page_url: str) -> list[Form]:
    """Return the forms of a page (those inside the navigation bar included: language, logout)."""
    parser = _Forms(page_url)
    parser.feed(html)
    parser.close()
    return parser.forms


@pytest.fixture()
def probe_world(world):  # type: ignore[no-untyped-def]
    """Return the world with what every form needs: a submitted filing with an explained warning (verdicts,
    explanations) and a visible comment, a returned one (answers), a job, a token, a pending grant, links."""
    import json

    from portal.domain.codec import canonical_json, document_from_json
    from portal.models import Filing
    from portal.services import accounts
    from tests.helpers import example_text

    data = json.loads(example_text("ghg-jx-cement-2024.json"))
    data["fuels"][1]["ncv"] = 60  # GHG-004 warning (tests/functional/test_explanations.py), explained
    data["explanations"] = {"GHG-004@fuels[1].ncv": "外购高热值批次"}
    filings.save_draft(world.users["filer_a"], world.filing_a, document_from_json(json.dumps(data)), None)
    filings.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    review.add_comment(world.users["reviewer_jx"], world.filing_a, target_type="filing", target="",
                       visibility="filer", body="请核实")
    data["reporting_year"] = 2023
    returned = Filing(enterprise=world.a, enterprise_id=world.a.id, kind="ghg_annual_report", year=2023,
                      status="draft", draft_json=canonical_json(document_from_json(json.dumps(data))))
    db.session.add(returned)
    db.session.flush()
    filings.submit(world.users["signatory_a"], returned, password=PASSWORD, certified=True)
    review.add_comment(world.users["reviewer_jx"], returned, target_type="filing", target="", visibility="filer",
                       body="请补充")
    review.return_filing(world.users["reviewer_jx"], returned, "退回")
    reviewer = world.users["reviewer_jx"]
    tokens.issue(reviewer, reviewer, name="reviewer", scope="read")
    accounts.record_failure(world.users["nobody"], "auth.login_failed", dt.datetime.now(dt.UTC))  # offers "unlock"
    from portal.services import grants, jobs

    job = jobs.submit_upload(world.users["filer_a"], "import_workbook", "a.xlsx", b"PK-not-really")
    attempt = jobs.claim(job.id, "test")
    jobs.finish(job.id, attempt, "interrupted")
    tokens.issue(world.users["filer_a"], world.users["filer_a"], name="erp", scope="read")
    grants.request_grant(world.users["security"], world.users["nobody"], "reviewer_scope", value="3607")
    # issue 18: a verifier of the body engaged for filing A with a 不符合项 raised (the enterprise answers it), and an
    # attachment of the returned draft (it can be deleted)
    from portal.services import attachments, verification
    from tests.helpers import TINY_PDF

    body = verification.create_body(None, "赣江核查中心")
    verifier = accounts.create_user(None, email="verifier_a@test.cn", name="verifier_a", password=PASSWORD,
                                    must_change_password=False)
    grants.set_verifier_directly(None, verifier, body)
    engaged = verification.verifications_of_engagement(
        verification.engage(world.users["reviewer_jx"], body, 2024, [world.filing_a]))[0]
    verification.raise_finding(verifier, engaged, field_path="fuels[0].consumption", body="不符")
    attachments.attach(world.users["filer_a"], returned, filename="lab.pdf", data=TINY_PDF)
    links: list[str] = []
    from portal.services import masterdata

    masterdata.request_change(world.users["filer_a"], world.a, {"name": "江西赣峰水泥股份有限公司"}, "更名")
    credentials.send_reset(world.users["security"], world.users["filer_b"], links.append)
    invited = credentials.invite(world.users["security"], email="invited@test.cn", name="受邀", link_url=links.append)
    disclosure = filings.open_draft(world.users["filer_a"], world.a, "env_disclosure_annual_report", 2024)
    db.session.commit()
    world.values = {"a": world.a.id, "filing": world.filing_a.id, "disclosure": disclosure.id, "job": job.id, "user": world.users["nobody"].id,
                    "reset": links[0], "invite": links[1], "returned": returned.id, "reviewer": reviewer.id}
    world.invited = invited
    return world


def _is_int_field(form: Form, name: str) -> bool:
    return form.types.get(name) == "number" or name.rsplit("-", 1)[-1] in INT_NAMES


def _names_the_field(body: str, name: str) -> bool:
    # A bad value is refused naming the field: its name, or for a document field its label (the error list
    # links to the input by its id, which is the name).
    return name in body or f'href="#{name}"' in body


def _probe(app: Flask, client, role: str, form: Form, failures: list[str]) -> int:  # type: ignore[no-untyped-def]
    sent = 0
    endpoint = app.url_map.bind("localhost").match(urlsplit(form.action).path, method=form.method.upper())[0]
    base = {name: list(values) for name, values in form.fields.items()}
    button = dict(list(form.buttons.items())[:1])
    for name in [*form.fields, *(n for n in form.types if n not in form.fields)]:
        if name == "csrf_token" or name.endswith("-csrf_token"):
            continue  # CSRF is off in the tests: probed once per form below through the request guard
        for label, value in PROBES.items():
            data = {**base, **button, name: [value]}
            where = f"{role or 'anonymous'} {form.method.upper()} {form.action} {name}={label}"
            try:
                if form.method == "post":
                    response = client.post(form.action, data=data)
                else:
                    response = client.get(form.action, query_string=data)
            except Exception as error:  # name the probe that raised, not only the stack
                raise AssertionError(f"{where}: {type(error).__name__}: {error}") from error
            sent += 1
            status, body = response.status_code, response.get_data(as_text=True)
            if status >= 500:
                failures.append(f"{where}: {status}")
            elif label == "100kB" and name in LONG_VALUES.get(endpoint, {}):
                if not 400 <= status < 500:  # a field meant for long text (a JSON document): refused as content
                    failures.append(f"{where}: {status}, expected a 4xx")
            elif label in ("NUL", "100kB") and (status != 400 or not _names_the_field(body, name)):
                failures.append(f"{where}: {status}, expected 400 naming the field")
            elif label.startswith(("2", "10")) and _is_int_field(form, name) and (
                    not 400 <= status < 500 or not _names_the_field(body, name)):
                failures.append(f"{where}: {status}, expected a 4xx naming the field")
            if status == 302 and "/login" in response.headers.get("Location", "") and role:
                login(client, f"{role}@test.cn")  # the probe signed the client out (a logout form): back in
    return sent


def test_every_form_refuses_bad_input_with_a_4xx_naming_the_field(app: Flask, probe_world) -> None:  # type: ignore[no-untyped-def]
    w = probe_world
    failures: list[str] = []
    found: set[str] = set()
    sent = 0
    adapter = app.url_map.bind("localhost")
    for role, pages in PAGES.items():
        client = app.test_client()
        if role:
            login(client, f"{role}@test.cn")
        seen: set[tuple[str, str, tuple[str, ...]]] = set()
        for template in pages:
            url = template.format(**w.values)
            response = client.get(url)
            assert response.status_code == 200, (role, url, response.status_code)
            for form in forms_on(response.get_data(as_text=True), url):
                key = (form.method, urlsplit(form.action).path, tuple(sorted(form.fields)))
                if key in seen or "/logout" in form.action:
                    continue  # the same form on many pages; logging out is probed once, last
                seen.add(key)
                if form.method == "post":
                    found.add(adapter.match(urlsplit(form.action).path, method="POST")[0])
                sent += _probe(app, client, role, form, failures)
                if re.fullmatch(r"/filings/\d+/edit/[\w-]+", urlsplit(form.action).path):
                    preview = Form(form.method, urlsplit(form.action).path + "/preview", form.fields, form.types)
                    sent += _probe(app, client, role, preview, failures)
    # the POST endpoints no page showed
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods or "PUT" in rule.methods}
    missing = posts - found - set(PROBED_ELSEWHERE) - {"auth.logout"}
    assert missing == set(), f"POST endpoints whose form was not found on any page: {sorted(missing)}"
    assert sent > 500, sent  # every field of every form, four probes each
    assert failures == [], "\n".join(failures[:60]) + f"\n… {len(failures)} in all"


def test_logout_and_opening_a_filing_refuse_bad_values(client, probe_world) -> None:  # type: ignore[no-untyped-def]
    w = probe_world
    login(client, "filer_a@test.cn")
    for value, expected in (("a\x00b", 400), ("x" * 100_000, 400)):
        response = client.post("/logout", data={"csrf_token": value})
        assert response.status_code == expected and "csrf_token" in response.get_data(as_text=True)
    for value in (str(2**31), str(10**30)):
        response = client.post(f"/enterprises/{w.a.id}/filings", data={"kind": "ghg_annual_report", "year": value})
        assert response.status_code == 400 and "year" in response.get_data(as_text=True)
    for value in ("a\x00b", "x" * 100_000):
        response = client.post(f"/enterprises/{w.a.id}/filings", data={"kind": value, "year": "2023"})
        assert response.status_code == 400 and "kind" in response.get_data(as_text=True)


def test_the_second_factor_step_refuses_bad_input(client, probe_world) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import enrol_totp

    enrol_totp(probe_world.users["filer_b"])
    assert client.post("/login", data={"email": "filer_b@test.cn", "password": PASSWORD}).status_code == 302
    for value in PROBES.values():
        response = client.post("/login/code", data={"code": value})
        assert response.status_code in (200, 400), response.status_code  # a big number is just a wrong code
        if "\x00" in value or len(value) > 1000:
            assert response.status_code == 400 and "code" in response.get_data(as_text=True)


def test_the_api_refuses_bad_values_naming_the_path(client, probe_world) -> None:  # type: ignore[no-untyped-def]
    import json

    from tests.helpers import example_text

    w = probe_world
    secret = tokens.issue(w.users["filer_a"], w.users["filer_a"], name="probe", scope="write")[1]
    db.session.commit()
    base = json.loads(example_text("ghg-jx-cement-2024.json"))
    base["enterprise"]["uscc"] = w.a.uscc
    # the returned 2023 filing: an editable draft (filing_a's draft is read-only while under review)
    from portal.models import Filing

    returned = db.session.get(Filing, w.values["returned"])
    base["reporting_year"] = returned.year
    for path, value in (("enterprise.name", "a\x00b"), ("enterprise.name", "x" * 100_000),
                        ("reporting_year", 2**31), ("reporting_year", 10**30),
                        ("fuels[0].consumption", 10**30)):
        document = json.loads(json.dumps(base))
        target = document
        parts = re.findall(r"[a-z_]+|\d+", path)
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        target[parts[-1]] = value
        response = client.put(f"/api/v1/filings/{returned.id}/draft", data=json.dumps(document),
                              headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json",
                                       "If-Match": f'"{returned.revision}"'})
        assert 400 <= response.status_code < 500, (path, response.status_code)
        body = response.get_json()  # an RFC 9457 problem listing the refused paths
        assert response.mimetype == "application/problem+json"
        assert parts[0] in json.dumps(body.get("errors"), ensure_ascii=False), (path, body)
