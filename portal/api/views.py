"""The API's resources: thin views — authenticate, load in scope (404 otherwise), call one service, answer.

Optimistic locking is HTTP's: a draft's strong ETag is ``"<revision>"``; ``PUT``/``PATCH`` (and the
explanations, and the submission, which certifies a revision) need ``If-Match`` with it — 428 without it,
412 when someone saved in between or when the tag is weak (RFC 9110 §13.1.1: If-Match compares strongly).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from decimal import Decimal
from typing import Any, cast

from flask import Response, current_app, request, url_for
from sqlalchemy import func, or_, select, true

from ..auth import permissions
from ..domain.codec import DocumentError, dumps, loads, parse_input, sha256_text, to_data
from ..domain.documents import KINDS, WEB_KINDS
from ..extensions import db
from ..models import AuditEntry, Enterprise, Filing, FilingVersion, Job, User
from ..services import access, checking, exports, renders, versions
from ..services import filings as filing_service
from ..services import jobs as job_service
from ..services import review as review_service
from ..services.errors import Conflict, NotFound, ServiceError, StaleDraft
from ..web.transaction import after_commit, enqueue_after_commit
from . import bp, limits
from .auth import caller
from .problems import MIMETYPE, ApiProblem, FieldError, problem
from .spec import Param, file_response, json_body, json_response, operation, ref

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ETAG = {"ETag": {"description": "The draft's revision as a strong entity tag", "schema": {"type": "string"}}}
LOCATION = {"Location": {"description": "The address of what was made", "schema": {"type": "string"}}}
IF_MATCH = Param("If-Match", "header", {"type": "string", "maxLength": 100},
                 'The strong ETag of the revision edited ("12"); weak tags (W/"12") are refused', required=False)


# ------------------------------------------------------------------------------------------ helpers


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(dumps(body), status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _not_found() -> ApiProblem:
    return ApiProblem("not-found", "未找到，或您无权查看", "not found, or you may not see it")


def _refused(error: ServiceError) -> ApiProblem:
    """Translate a service's refusal into its problem (404 for a record out of scope, as on the pages)."""
    if isinstance(error, NotFound):
        return _not_found()
    if isinstance(error, StaleDraft):
        return ApiProblem("precondition-failed", error.message_zh, error.message_en)
    if isinstance(error, Conflict):
        return ApiProblem("conflict", error.message_zh, error.message_en)
    if isinstance(error, filing_service.SubmissionBlocked):
        blocking = filing_service.blocking_findings(error.findings)
        return ApiProblem("invalid-document", error.message_zh, error.message_en,
                          errors=[FieldError(f.path, f.message_zh, f.message_en) for f in blocking])
    errors = [FieldError(error.field, error.message_zh, error.message_en)] if error.field else []
    status = getattr(error, "status", 422)
    return ApiProblem("conflict" if status == 409 else "invalid-document", error.message_zh, error.message_en,
                      errors=errors)


def _document_problem(exc: DocumentError) -> ApiProblem:
    """Return the 422 of a document the strict decoder or the schema refused; a line cap names its limit."""
    violations = getattr(exc, "violations", None) or []
    errors = [FieldError(v.path, v.message.zh, v.message.en) for v in violations] or [
        FieldError(exc.path, exc.message_zh, exc.message_en)]
    over = [v for v in violations if getattr(v, "rule", None) is None and "lines" in v.message.en
            and "at most" in v.message.en]
    if over:
        return ApiProblem("too-many-lines", f"{over[0].path}：{over[0].message.zh}（每个列表最多 {limits.MAX_LINES:,} 行）",
                          f"{over[0].path}: {over[0].message.en} (each list holds at most {limits.MAX_LINES:,} lines)",
                          errors=errors, limit=("lines_per_list", limits.MAX_LINES))
    return ApiProblem("invalid-document", exc.message_zh, exc.message_en, errors=errors)


def _json_payload(*, media: tuple[str, ...] = ("application/json",)) -> Any:
    if request.mimetype not in media:
        raise ApiProblem("unsupported-media-type", f"请求体应为 {' 或 '.join(media)}",
                         f"the body must be {' or '.join(media)}")
    try:
        return loads(limits.read_body())
    except DocumentError as exc:
        raise ApiProblem("invalid-document", exc.message_zh, exc.message_en,
                         errors=[FieldError(exc.path, exc.message_zh, exc.message_en)]) from None


def _object_payload(schema_name: str) -> dict[str, Any]:
    data = _json_payload()
    if not isinstance(data, dict):
        raise ApiProblem("invalid-document", f"请求体应为 JSON 对象（{schema_name}）",
                         f"the body must be a JSON object ({schema_name})")
    return data


def _finding(finding: Any) -> dict[str, Any]:
    """Return a finding as `portal check` prints it, with the key its explanation is stored under."""
    return {**finding.as_dict(), "key": finding.key}


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _enterprise_or_404(user: User, enterprise_id: int) -> Enterprise:
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None or not permissions.can_view_enterprise(user, enterprise.id, enterprise.region_code):
        raise _not_found()
    return enterprise


def _filing_or_404(user: User, filing_id: int, need: str = "view") -> Filing:
    filing = db.session.get(Filing, filing_id)
    if filing is None:
        raise _not_found()
    checks = {
        "view": lambda: access.require_view(user, filing.enterprise),
        "draft": lambda: access.require_view_draft(user, filing.enterprise_id),
        "edit": lambda: access.require_edit(user, filing),
        "sign": lambda: access.require_sign(user, filing),
        "review": lambda: access.require_review(user, filing),
    }
    try:
        checks[need]()
    except NotFound:
        raise _not_found() from None
    return filing


def _version_or_404(user: User, filing_id: int, number: int) -> FilingVersion:
    filing = _filing_or_404(user, filing_id)
    version = versions.find_version(filing.id, number)
    if version is None:
        raise _not_found()
    return version


def _etag(filing: Filing) -> str:
    return f'"{filing.revision}"'


def _require_if_match(filing: Filing) -> None:
    """Refuse a write without a strong If-Match of the current revision (428), stale or weak (412)."""
    raw = request.headers.get("If-Match")
    if raw is None or raw.strip() in ("", "*", '"*"'):  # "*" would accept any revision: not a lock
        raise ApiProblem("precondition-required", "请在 If-Match 中给出所编辑草稿的 ETag（如 \"12\"）",
                         'send the ETag of the revision you edited in If-Match (e.g. "12")', revision=filing.revision)
    tags = [part.strip() for part in raw.split(",") if part.strip()]
    if any(tag.startswith("W/") for tag in tags):
        raise ApiProblem("weak-etag", "If-Match 只接受强 ETag（如 \"12\"），不接受弱 ETag（W/\"12\"）",
                         'If-Match takes strong ETags only ("12"), not weak ones (W/"12")', revision=filing.revision)
    if _etag(filing) not in tags:
        raise ApiProblem("precondition-failed", "此草稿已被他人修改并保存，请重新获取后再提交",
                         "the draft was saved by someone else since that revision; GET it again",
                         revision=filing.revision)


def _cursor_after() -> int:
    raw = request.args.get("cursor")
    if not raw:
        return 0
    try:
        value = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"=" * (-len(raw) % 4)))["after"]
        if type(value) is not int or not 0 <= value < 2**31:  # an id: PostgreSQL's integer
            raise ValueError
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError):
        raise ApiProblem("invalid-document", "cursor 无效：请使用上一页返回的 next_cursor",
                         "the cursor is not valid: use the next_cursor of the previous page",
                         errors=[FieldError("cursor", "cursor 无效", "invalid cursor")]) from None
    return value


def _cursor(after: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": after}).encode()).decode().rstrip("=")


def _int_arg(name: str, low: int, high: int) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ApiProblem("invalid-document", f"{name} 应为 {low} 至 {high} 的整数",
                         f"{name} must be an integer from {low} to {high}",
                         errors=[FieldError(name, f"{name} 应为 {low} 至 {high} 的整数",
                                            f"{name} must be an integer from {low} to {high}")])
    return value


def _choice_arg(name: str, allowed: tuple[str, ...]) -> str | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if raw not in allowed:
        raise ApiProblem("invalid-document", f"{name} 应为 {', '.join(allowed)} 之一",
                         f"{name} must be one of {', '.join(allowed)}",
                         errors=[FieldError(name, f"{name} 应为 {', '.join(allowed)} 之一",
                                            f"{name} must be one of {', '.join(allowed)}")])
    return raw


LIMIT = Param("limit", "query", {"type": "integer", "minimum": 1, "maximum": limits.MAX_PAGE_SIZE,
                                 "default": limits.DEFAULT_PAGE_SIZE}, f"Items per page (at most {limits.MAX_PAGE_SIZE})")
CURSOR = Param("cursor", "query", {"type": "string", "maxLength": 200}, "The next_cursor of the previous page")


# ------------------------------------------------------------------------------------------ enterprises


def _enterprise_data(e: Enterprise) -> dict[str, Any]:
    return {"id": e.id, "uscc": e.uscc, "name": e.name, "region_code": e.region_code,
            "industry_code": e.industry_code, "permit_number": e.permit_number, "address": e.address,
            "is_key_emitter": e.is_key_emitter, "is_key_pollutant_discharger": e.is_key_pollutant_discharger,
            "is_listed": e.is_listed}


def _scope_condition(user: User, enterprise_column: Any) -> Any:
    """Return the SQL condition of ``permissions.can_view_enterprise`` over enterprise rows."""
    if user.admin_role == "system":
        return true()
    parts = [enterprise_column.in_(sorted(user.enterprise_ids()) or [-1])]
    if user.reviewer_scope:
        parts.append(Enterprise.in_region_scope(user.reviewer_scope))
    return or_(*parts)


@operation(bp, "GET", "/enterprises", summary="List the enterprises the caller may see", tag="enterprises",
           scope="read", params=(LIMIT, CURSOR), responses={"200": json_response(ref("EnterpriseList"), "A page")})
def list_enterprises() -> Response:
    """List the enterprises in the caller's scope (members: theirs; reviewers: their region), by id."""
    user = caller("read")
    size, after = limits.page_size(), _cursor_after()
    rows = db.session.scalars(select(Enterprise).where(_scope_condition(user, Enterprise.id), Enterprise.id > after)
                              .order_by(Enterprise.id).limit(size + 1)).all()
    items = [_enterprise_data(e) for e in rows[:size]]
    return _json({"items": items, "next_cursor": _cursor(rows[size - 1].id) if len(rows) > size else None})


@operation(bp, "GET", "/enterprises/<int:enterprise_id>", summary="Read an enterprise", tag="enterprises",
           scope="read", responses={"200": json_response(ref("Enterprise"), "The enterprise")})
def get_enterprise(enterprise_id: int) -> Response:
    """Read an enterprise's master data (404 outside the caller's scope)."""
    user = caller("read")
    return _json(_enterprise_data(_enterprise_or_404(user, enterprise_id)))


# ------------------------------------------------------------------------------------------ filings


def _filing_data(user: User, f: Filing, updated: dt.datetime | None = None) -> dict[str, Any]:
    member = permissions.can_view_draft(user, f.enterprise_id)
    return {"id": f.id, "enterprise_id": f.enterprise_id, "enterprise_name": f.enterprise.name,
            "uscc": f.enterprise.uscc, "kind": f.kind, "year": f.year, "status": f.status,
            "current_version": f.current_version, "revision": f.revision if member else None,
            "last_submitted_at": _iso(f.last_submitted_at), "accepted_at": _iso(f.accepted_at),
            "updated_at": _iso(updated)}


def _updated_at(ids: list[int]) -> dict[int, dt.datetime]:
    """Return filing id → when it last changed (its newest audit entry: saved, submitted, decided …)."""
    if not ids:
        return {}
    rows = db.session.execute(select(AuditEntry.entity_id, func.max(AuditEntry.at))
                              .where(AuditEntry.entity_type == "filing", AuditEntry.entity_id.in_(ids))
                              .group_by(AuditEntry.entity_id)).all()
    return {int(entity): at for entity, at in rows}


def _since() -> dt.datetime | None:
    raw = request.args.get("updated_since")
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ApiProblem("invalid-document", "updated_since 应为 ISO 8601 时间（如 2026-01-31T00:00:00+08:00）",
                         "updated_since must be an ISO 8601 time (e.g. 2026-01-31T00:00:00+08:00)",
                         errors=[FieldError("updated_since", "时间格式无效", "invalid time")]) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


@operation(bp, "GET", "/filings", summary="List filings (filters, cursor pagination)", tag="filings", scope="read",
           params=(Param("kind", "query", {"enum": list(KINDS)}, "Filing kind"),
                   Param("year", "query", {"type": "integer", "minimum": 2000, "maximum": 2100}, "Year"),
                   Param("status", "query", {"enum": ["draft", "submitted", "returned", "resubmitted", "accepted"]},
                         "Status"),
                   Param("enterprise", "query", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                         "Enterprise id"),
                   Param("updated_since", "query", {"type": "string", "format": "date-time"},
                         "Only filings changed at or after this time"),
                   LIMIT, CURSOR),
           responses={"200": json_response(ref("FilingList"), "A page of filings, by id")})
def list_filings() -> Response:
    """List the filings of the enterprises in the caller's scope, oldest first; pass next_cursor for more."""
    user = caller("read")
    size, after = limits.page_size(), _cursor_after()
    stmt = (select(Filing).join(Enterprise, Filing.enterprise_id == Enterprise.id)
            .where(_scope_condition(user, Filing.enterprise_id), Filing.id > after))
    kind = _choice_arg("kind", KINDS)
    status = _choice_arg("status", ("draft", "submitted", "returned", "resubmitted", "accepted"))
    year = _int_arg("year", 2000, 2100)
    enterprise = _int_arg("enterprise", 1, 2**31 - 1)
    since = _since()
    if kind:
        stmt = stmt.where(Filing.kind == kind)
    if status:
        stmt = stmt.where(Filing.status == status)
    if year is not None:
        stmt = stmt.where(Filing.year == year)
    if enterprise is not None:
        stmt = stmt.where(Filing.enterprise_id == enterprise)
    if since is not None:
        changed = select(AuditEntry.entity_id).where(AuditEntry.entity_type == "filing", AuditEntry.at >= since)
        stmt = stmt.where(Filing.id.in_(changed))
    rows = db.session.scalars(stmt.order_by(Filing.id).limit(size + 1)).all()
    page = rows[:size]
    updated = _updated_at([f.id for f in page])
    return _json({"items": [_filing_data(user, f, updated.get(f.id)) for f in page],
                  "next_cursor": _cursor(page[-1].id) if len(rows) > size else None})


@operation(bp, "POST", "/filings", summary="Open a filing with an empty draft", tag="filings", scope="write",
           body=json_body(ref("NewFiling")),
           responses={"201": json_response(ref("Filing"), "Made", LOCATION),
                      "200": json_response(ref("Filing"), "It existed already: the existing filing")})
def create_filing() -> Response:
    """Open the filing of (enterprise, kind, year) with an empty draft, or answer the one that exists."""
    user = caller("write")
    data = _object_payload("NewFiling")
    unknown = sorted(set(data) - {"enterprise_id", "kind", "year"})
    enterprise_id, kind, year = data.get("enterprise_id"), data.get("kind"), data.get("year")
    errors = [FieldError(name, "不允许的字段", "unknown field") for name in unknown]
    if type(enterprise_id) is not int:
        errors.append(FieldError("enterprise_id", "应为整数", "must be an integer"))
    if kind not in WEB_KINDS:
        errors.append(FieldError("kind", f"应为 {', '.join(WEB_KINDS)} 之一", f"must be one of {', '.join(WEB_KINDS)}"))
    if type(year) is not int or not 2000 <= year <= 2100:
        errors.append(FieldError("year", "应为 2000 至 2100 的整数", "must be an integer from 2000 to 2100"))
    if errors:
        raise ApiProblem("invalid-document", "请求体有误", "the body is not valid", errors=errors)
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None or not permissions.can_edit_filing(user, enterprise.id):
        raise _not_found()
    checked_year = cast(int, year)  # an int in range: checked above
    existed = filing_service.find_filing(enterprise.id, str(kind), checked_year)
    try:
        filing = filing_service.open_draft(user, enterprise, str(kind), checked_year)
    except ServiceError as error:
        raise _refused(error) from None
    location = url_for("api.get_filing", filing_id=filing.id)
    body = _filing_data(user, filing, None)
    if existed is not None:
        return _json(body, 200, {"Location": location, "ETag": _etag(filing)})
    return _json(body, 201, {"Location": location, "ETag": _etag(filing)})


@operation(bp, "GET", "/filings/<int:filing_id>", summary="Read a filing", tag="filings", scope="read",
           responses={"200": json_response(ref("Filing"), "The filing")})
def get_filing(filing_id: int) -> Response:
    """Read a filing's status, current version and (for its enterprise's members) the draft's revision."""
    user = caller("read")
    filing = _filing_or_404(user, filing_id)
    return _json(_filing_data(user, filing, _updated_at([filing.id]).get(filing.id)))


# ------------------------------------------------------------------------------------------ the draft


def _wants_document() -> bool:
    prefer = request.headers.get("Prefer", "")
    return request.args.get("return") == "document" or "return=representation" in prefer.replace(" ", "")


def _draft_answer(filing: Filing, *, full: bool, status: int = 200) -> Response:
    body: dict[str, Any] = {"filing_id": filing.id, "revision": filing.revision, "sha256": sha256_text(filing.draft_json)}
    if full:
        document = filing_service.draft_document(filing)
        outcome = checking.run(document, filing=filing)
        body.update(document=to_data(document), computed=outcome.computed.check_block(),
                    findings=[_finding(f) for f in outcome.findings])
    headers = {"ETag": _etag(filing)}
    if full and request.method in ("PUT", "PATCH"):
        headers["Preference-Applied"] = "return=representation"
    return _json(body, status, headers)


RETURN = Param("return", "query", {"enum": ["document", "minimal"]},
               "document: answer with the whole draft, its results and findings (as Prefer: return=representation)")
PREFER = Param("Prefer", "header", {"type": "string", "maxLength": 100}, "return=representation for the whole draft")


@operation(bp, "GET", "/filings/<int:filing_id>/draft", summary="Read the working draft", tag="drafts", scope="read",
           responses={"200": json_response(ref("Draft"), "The draft, its computed results and findings", ETAG)})
def draft(filing_id: int) -> Response:
    """Read the draft as its canonical document, with results and findings; ETag is its revision."""
    user = caller("read")
    filing = _filing_or_404(user, filing_id, "draft")  # the enterprise's own until submitted (issue 16 item 6)
    return _draft_answer(filing, full=True)


def _store(user: User, filing: Filing, document: Any) -> Response:
    try:
        filing_service.save_draft(user, filing, document, filing.revision)
    except ServiceError as error:
        raise _refused(error) from None
    return _draft_answer(filing, full=_wants_document())


def _writable(filing_id: int) -> tuple[User, Filing]:
    user = caller("write")
    filing = _filing_or_404(user, filing_id, "edit")
    lock = filing_service.draft_lock(filing)  # accepted, or submitted and under review (issue 15)
    if lock is not None:
        raise ApiProblem("conflict", lock.message_zh, lock.message_en)
    _require_if_match(filing)
    return user, filing


@operation(bp, "PUT", "/filings/<int:filing_id>/draft", summary="Replace the draft", tag="drafts", scope="write",
           params=(IF_MATCH, RETURN, PREFER), body=json_body(ref("Document")),
           responses={"200": json_response(ref("Draft"), "Saved: the new revision (the document on request)", ETAG)})
def put_draft(filing_id: int) -> Response:
    """Replace the draft with a whole document (If-Match: the revision replaced); answer the new revision."""
    user, filing = _writable(filing_id)
    data = _json_payload()
    try:
        document = parse_input(data)
    except DocumentError as exc:
        raise _document_problem(exc) from None
    return _store(user, filing, document)


def _merge_patch(target: Any, patch: Any) -> Any:
    """Apply a JSON merge patch (RFC 7396)."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = _merge_patch(result.get(key), value)
    return result


@operation(bp, "PATCH", "/filings/<int:filing_id>/draft", summary="Change part of the draft (JSON merge patch)",
           tag="drafts", scope="write", params=(IF_MATCH, RETURN, PREFER),
           body={"required": True, "content": {
               "application/merge-patch+json": {"schema": {"type": "object"}},
               "application/json": {"schema": {"type": "object"}}}},
           responses={"200": json_response(ref("Draft"), "Saved: the new revision (the document on request)", ETAG)})
def patch_draft(filing_id: int) -> Response:
    """Merge a JSON merge patch (RFC 7396) into the draft; lists are replaced whole."""
    user, filing = _writable(filing_id)
    patch = _json_payload(media=("application/merge-patch+json", "application/json"))
    if not isinstance(patch, dict):
        raise ApiProblem("invalid-document", "合并补丁应为 JSON 对象", "a merge patch must be a JSON object")
    merged = _merge_patch(loads(filing.draft_json), patch)
    try:
        document = parse_input(merged)
    except DocumentError as exc:
        raise _document_problem(exc) from None
    return _store(user, filing, document)


@operation(bp, "POST", "/filings/<int:filing_id>/check", summary="Check without saving (portal check)",
           tag="drafts", scope="read",
           body=json_body(ref("Document"), required=False,
                          description="A document to check instead of the stored draft (nothing is saved)"),
           responses={"200": json_response(ref("CheckResult"), "What `portal check` prints for the document")})
def check_filing(filing_id: int) -> Response:
    """Compute and run the rules on the stored draft, or on a posted document; store nothing."""
    user = caller("read")
    filing = _filing_or_404(user, filing_id, "draft")
    revision: int | None = filing.revision
    if request.content_length or request.mimetype == "application/json" and request.get_data(cache=True):
        try:
            document = parse_input(_json_payload())
        except DocumentError as exc:
            raise _document_problem(exc) from None
        revision = None
    else:
        document = filing_service.draft_document(filing)
    outcome = checking.run(document, filing=filing)
    findings = [_finding(f) for f in outcome.findings]
    return _json({"kind": document.kind, "computed": outcome.computed.check_block(), "findings": findings,
                  "ok": not any(f.severity == "error" for f in outcome.findings), "revision": revision})


def _enqueue_renders(version: FilingVersion) -> None:
    enqueue_after_commit(renders.queued_jobs(version))


@operation(bp, "POST", "/filings/<int:filing_id>/submit", summary="Certify and submit the draft",
           tag="drafts", scope="write", params=(IF_MATCH,), body=json_body(ref("Submission")),
           responses={"201": json_response(ref("Version"), "The version made", LOCATION),
                      "200": json_response(ref("Version"), "Submitted before: the version already made")})
def submit_filing(filing_id: int) -> Response:
    """Certify the revision named in If-Match (the signatory's password again) and submit it as a version.

    As on the submit page: the signatory re-enters the password and accepts the certification statement; the
    certification is bound to that revision's text and SHA-256, and the version is made from it.
    """
    user = caller("write")
    filing = _filing_or_404(user, filing_id, "sign")
    data = _object_payload("Submission")
    unknown = sorted(set(data) - {"password", "certified"})
    if unknown or not isinstance(data.get("password"), str) or not isinstance(data.get("certified"), bool):
        errors = [FieldError(n, "不允许的字段", "unknown field") for n in unknown]
        if not isinstance(data.get("password"), str):
            errors.append(FieldError("password", "请输入签字人密码", "enter the signatory's password"))
        if not isinstance(data.get("certified"), bool):
            errors.append(FieldError("certified", "请确认承诺（true）", "accept the statement (true)"))
        raise ApiProblem("invalid-document", "请求体有误", "the body is not valid", errors=errors)
    already = filing_service.already_submitted(filing)
    if already is not None:
        return _json(_version_data(already, full=False), 200,
                     {"Location": url_for("api.get_version", filing_id=filing.id, number=already.number)})
    _require_if_match(filing)
    try:
        version = filing_service.submit(user, filing, password=data["password"], certified=data["certified"])
    except ServiceError as error:
        raise _refused(error) from None
    _enqueue_renders(version)
    return _json(_version_data(version, full=False), 201,
                 {"Location": url_for("api.get_version", filing_id=filing.id, number=version.number)})


# ------------------------------------------------------------------------------------------ findings


@operation(bp, "GET", "/filings/<int:filing_id>/findings", summary="The draft's findings and explanations",
           tag="drafts", scope="read", responses={"200": json_response(ref("Findings"), "Findings", ETAG)})
def findings(filing_id: int) -> Response:
    """List the draft's findings, its explanations, and the explanations that answer no finding any more."""
    user = caller("read")
    filing = _filing_or_404(user, filing_id, "draft")
    document = filing_service.draft_document(filing)
    outcome = checking.run(document, filing=filing)
    keys = {f.key for f in outcome.findings}
    return _json({"revision": filing.revision, "findings": [_finding(f) for f in outcome.findings],
                  "explanations": dict(document.explanations),
                  "stale_explanations": sorted(k for k in document.explanations if k not in keys)},
                 headers={"ETag": _etag(filing)})


@operation(bp, "PATCH", "/filings/<int:filing_id>/explanations", summary="Write or remove explanations",
           tag="drafts", scope="write", params=(IF_MATCH,),
           body={"required": True, "content": {"application/merge-patch+json": {"schema": ref("ExplanationsPatch")},
                                               "application/json": {"schema": ref("ExplanationsPatch")}}},
           responses={"200": json_response(ref("Draft"), "Saved: the new revision", ETAG)})
def patch_explanations(filing_id: int) -> Response:
    """Set the explanation of findings by key (a text) or remove them (null), as the filing page does."""
    user, filing = _writable(filing_id)
    patch = _json_payload(media=("application/merge-patch+json", "application/json"))
    if not isinstance(patch, dict) or not all(isinstance(v, str) or v is None for v in patch.values()):
        raise ApiProblem("invalid-document", "应为 {键: 说明文字或 null}", "expected {key: text or null}")
    texts = {k: v for k, v in patch.items() if isinstance(v, str)}
    remove = [k for k, v in patch.items() if v is None]
    try:
        filing_service.save_explanations(user, filing, texts, filing.revision, remove=remove)
    except ServiceError as error:
        raise _refused(error) from None
    return _draft_answer(filing, full=False)


# ------------------------------------------------------------------------------------------ versions


def _version_data(version: FilingVersion, *, full: bool) -> dict[str, Any]:
    base = url_for("api.get_version", filing_id=version.filing_id, number=version.number)
    out: dict[str, Any] = {"filing_id": version.filing_id, "number": version.number, "sha256": version.sha256,
                           "submitted_at": _iso(version.submitted_at), "rules_version": version.rules_version,
                           "files": {"pdf": base + "/pdf", "xlsx": base + "/xlsx"}}
    if full:
        out.update(document=to_data(versions.version_document(version)),
                   computed=json.loads(version.computed_json, parse_float=Decimal),
                   findings=json.loads(version.findings_json),
                   certification_statement=version.certification_statement)
    return out


@operation(bp, "GET", "/filings/<int:filing_id>/versions", summary="List the submitted versions", tag="versions",
           scope="read", responses={"200": json_response(ref("VersionList"), "The versions, oldest first")})
def list_versions(filing_id: int) -> Response:
    """List a filing's submitted versions (hash and time; the document at each version's own address)."""
    user = caller("read")
    filing = _filing_or_404(user, filing_id)
    return _json({"items": [_version_data(v, full=False) for v in filing.versions]})


@operation(bp, "GET", "/filings/<int:filing_id>/versions/<int:number>", summary="Read a version", tag="versions",
           scope="read", responses={"200": json_response(ref("Version"), "The version as submitted")})
def get_version(filing_id: int, number: int) -> Response:
    """Read a version: its document, results and findings exactly as submitted, and its SHA-256."""
    user = caller("read")
    version = _version_or_404(user, filing_id, number)
    from ..services import audit

    audit.record_download(user, "version_json", "filing", version.filing_id, version=number)
    return _json(_version_data(version, full=True), headers={"X-Content-SHA256": version.sha256})


def _version_file(filing_id: int, number: int, fmt: str) -> Response:
    user = caller("read")
    version = _version_or_404(user, filing_id, number)
    from ..services import audit, files

    try:
        stored = renders.stored_file(version, fmt)
    except (files.StorageError, ServiceError) as error:
        raise ApiProblem("unavailable", error.message_zh, error.message_en) from None
    if stored is None:
        state = renders.file_state(version, fmt)
        return _json({"status": state.status, "percent": state.percent, "message_zh": state.message_zh,
                      "message_en": state.message_en}, 202, {"Retry-After": "5"})
    audit.record_download(user, f"version_{fmt}", "filing", version.filing_id, version=number)
    return Response(stored.content, mimetype=stored.mimetype, headers={
        "Content-Disposition": f"attachment; filename={stored.filename}", "X-Content-SHA256": version.sha256,
        "X-File-SHA256": stored.sha256})


_WAIT = {"202": json_response(ref("FileState"), "Not rendered yet: retry after Retry-After seconds")}


@operation(bp, "GET", "/filings/<int:filing_id>/versions/<int:number>/pdf", summary="Download the signed PDF",
           tag="versions", scope="read",
           responses={"200": file_response("application/pdf", "The signed copy of record"), **_WAIT},
           problems=(503,))
def version_pdf(filing_id: int, number: int) -> Response:
    """Download the version's signed PDF copy of record (202 while it is being rendered)."""
    return _version_file(filing_id, number, "pdf")


@operation(bp, "GET", "/filings/<int:filing_id>/versions/<int:number>/xlsx", summary="Download the Excel filing",
           tag="versions", scope="read", responses={"200": file_response(XLSX, "The Excel filing"), **_WAIT},
           problems=(503,))
def version_xlsx(filing_id: int, number: int) -> Response:
    """Download the version's Excel filing (202 while it is being rendered)."""
    return _version_file(filing_id, number, "xlsx")


# ------------------------------------------------------------------------------------------ review comments


def _comment_data(c: Any) -> dict[str, Any]:
    return {"id": c.id, "version": c.version_number, "target_type": c.target_type, "target": c.target,
            "visibility": c.visibility, "body": c.body, "author": c.author.name if c.author else "",
            "created_at": _iso(c.created_at), "answer": c.answer, "answered_at": _iso(c.answered_at)}


@operation(bp, "GET", "/filings/<int:filing_id>/comments", summary="Read the review comments", tag="review",
           scope="read", responses={"200": json_response(ref("CommentList"), "The comments, oldest first")})
def list_comments(filing_id: int) -> Response:
    """List the reviewers' comments: all of them for reviewers, those meant for it for the enterprise."""
    user = caller("read")
    filing = _filing_or_404(user, filing_id)
    reviewer = permissions.can_review(user, filing.enterprise.region_code)
    if not reviewer and not permissions.can_view_draft(user, filing.enterprise_id):
        raise _not_found()
    return _json({"items": [_comment_data(c) for c in review_service.comments(filing, for_filer=not reviewer)]})


@operation(bp, "POST", "/filings/<int:filing_id>/comments", summary="Comment on a filing under review (reviewers)",
           tag="review", scope="write", body=json_body(ref("NewComment")),
           responses={"201": json_response(ref("Comment"), "The comment")})
def create_comment(filing_id: int) -> Response:
    """Add a reviewer's comment on the filing's current version (on the whole, a finding or a field)."""
    user = caller("write")
    filing = _filing_or_404(user, filing_id, "review")
    data = _object_payload("NewComment")
    fields = {"body": data.get("body"), "target_type": data.get("target_type", "filing"),
              "target": data.get("target", ""), "visibility": data.get("visibility", "filer")}
    bad = [FieldError(k, "应为文字", "must be a string") for k, v in fields.items() if not isinstance(v, str)]
    bad += [FieldError(k, "不允许的字段", "unknown field") for k in sorted(set(data) - set(fields))]
    if bad:
        raise ApiProblem("invalid-document", "请求体有误", "the body is not valid", errors=bad)
    try:
        comment = review_service.add_comment(user, filing, target_type=fields["target_type"], target=fields["target"],
                                             visibility=fields["visibility"], body=fields["body"])
    except ServiceError as error:
        raise _refused(error) from None
    return _json(_comment_data(comment), 201)


# ------------------------------------------------------------------------------------------ imports


def _job_data(job: Job) -> dict[str, Any]:
    view = job_service.job_view(job, None, float(current_app.config["JOB_STALE_SECONDS"]), dt.datetime.now().timestamp())
    try:
        result = json.loads(job.result_json) if job.result_json else {}
    except ValueError:
        result = {}
    return {"id": job.id, "status": view.status, "final": view.status in ("done", "failed", "interrupted"),
            "percent": view.percent, "filename": job.filename, "result": result if isinstance(result, dict) else {},
            "error_zh": job.error_zh, "error_en": job.error_en,
            "error_workbook": url_for("api.import_errors", job_id=job.id) if job.result_file is not None else None}


def _import_job_or_404(user: User, job_id: int) -> Job:
    job = job_service.job_of(user, job_id)
    if job is None or job.kind != "import_workbook":
        raise _not_found()
    return job


@operation(bp, "POST", "/imports", summary="Upload a workbook to import", tag="imports", scope="write",
           body={"required": True, "content": {"multipart/form-data": {"schema": {
               "type": "object", "required": ["workbook"],
               "properties": {"workbook": {"type": "string", "contentMediaType": XLSX}}}}}},
           responses={"202": json_response(ref("ImportJob"), "Queued: poll the job", LOCATION)})
def create_import() -> Response:
    """Queue the import of an upload workbook (all or nothing) as a background job; poll it at Location."""
    user = caller("write")
    if request.mimetype != "multipart/form-data":
        raise ApiProblem("unsupported-media-type", "请以 multipart/form-data 上传，文件字段名为 workbook",
                         "upload as multipart/form-data with the file in the field workbook")
    upload = request.files.get("workbook")
    if upload is None:
        raise ApiProblem("invalid-document", "缺少文件字段 workbook", "the file field workbook is missing",
                         errors=[FieldError("workbook", "缺少文件", "missing file")])
    data = upload.read()
    if not data:
        raise ApiProblem("invalid-document", "上传的文件为空", "the uploaded file is empty",
                         errors=[FieldError("workbook", "文件为空", "empty file")])
    filename = (upload.filename or "upload.xlsx")[:200]
    job = job_service.submit_upload(user, "import_workbook", filename, data)
    job_id = job.id

    from ..jobs import get_queue

    after_commit(lambda: get_queue().enqueue(job_id))  # a worker in another process must find the job
    return _json(_job_data(job), 202, {"Location": url_for("api.get_import", job_id=job.id)})


@operation(bp, "GET", "/imports/<int:job_id>", summary="Poll an import", tag="imports", scope="read",
           responses={"200": json_response(ref("ImportJob"), "The job: status, progress and result")})
def get_import(job_id: int) -> Response:
    """Read an import job's status, progress and outcome (the uploader's only)."""
    user = caller("read")
    return _json(_job_data(_import_job_or_404(user, job_id)))


@operation(bp, "GET", "/imports/<int:job_id>/errors.xlsx", summary="Download the annotated error workbook",
           tag="imports", scope="read", responses={"200": file_response(XLSX, "The workbook with its errors marked")})
def import_errors(job_id: int) -> Response:
    """Download the uploaded workbook with its errors marked (404 when the import had none)."""
    user = caller("read")
    job = _import_job_or_404(user, job_id)
    if job.result_file is None:
        raise _not_found()
    from ..services import audit

    audit.record_download(user, "error_workbook", "job", job.id)
    stem = job.filename.rsplit(".", 1)[0] or "upload"
    response = Response(job.result_file, mimetype=XLSX)
    response.headers.set("Content-Disposition", "attachment", filename=f"{stem}-errors.xlsx")
    return response


# ------------------------------------------------------------------------------------------ reviewers


@operation(bp, "GET", "/review/queue", summary="The review queue (reviewers)", tag="review", scope="read",
           params=(Param("kind", "query", {"enum": list(KINDS)}, "Filing kind"),
                   Param("year", "query", {"type": "integer", "minimum": 2000, "maximum": 2100}, "Year"),
                   Param("status", "query", {"enum": ["draft", "submitted", "returned", "resubmitted", "accepted"]},
                         "Status"),
                   Param("page", "query", {"type": "integer", "minimum": 1, "maximum": 100000}, "Page (50 rows)")),
           responses={"200": json_response(ref("QueuePage"), "One page of the queue, newest submission first")})
def review_queue() -> Response:
    """List the filings of the reviewer's region, newest submission first, 50 a page."""
    user = caller("read")
    if not user.reviewer_scope:
        raise _not_found()
    filters = review_service.QueueFilters(kind=_choice_arg("kind", KINDS) or "", year=_int_arg("year", 2000, 2100),
                                          status=_choice_arg("status", ("draft", "submitted", "returned",
                                                                        "resubmitted", "accepted")) or "",
                                          page=_int_arg("page", 1, 100000) or 1)
    today = dt.datetime.now(checking.CHINA_TZ).date()
    page = review_service.queue(user.reviewer_scope, filters, today)
    items = [{"filing_id": r.filing_id, "kind": r.kind, "year": r.year, "enterprise": r.enterprise,
              "region_code": r.region_code, "industry_code": r.industry_code, "status": r.status,
              "submitted_at": _iso(r.submitted_at), "deadline": _iso(r.deadline), "overdue": r.overdue,
              "errors": r.errors, "warnings": r.warnings, "notices": r.notices} for r in page.rows]
    return _json({"items": items, "total": page.total, "page": page.page, "pages": page.pages})


@operation(bp, "GET", "/review/export.xlsx", summary="The consolidated workbook of the reviewer's region",
           tag="review", scope="read",
           params=(Param("year", "query", {"type": "integer", "minimum": 2000, "maximum": 2100}, "Year", required=True),
                   Param("kind", "query", {"enum": list(KINDS)}, "Filing kind")),
           responses={"200": file_response(XLSX, "The consolidated workbook")})
def review_export() -> Response:
    """Download the consolidated workbook of the caller's scope for a year (reviewers, system administrators)."""
    user = caller("read")
    if not (user.reviewer_scope or user.admin_role == "system"):
        raise _not_found()
    year = _int_arg("year", 2000, 2100)
    if year is None:
        raise ApiProblem("invalid-document", "请给出年度 year", "give the year",
                         errors=[FieldError("year", "缺少年度", "missing year")])
    kind = _choice_arg("kind", KINDS)
    rendered = exports.consolidated_workbook(user, year=year, kind=kind)
    from ..services import audit

    audit.record_download(user, "consolidated", "filing", None, year=year, kind=kind,
                          scope=user.reviewer_scope or "all")
    response = Response(rendered.content, mimetype=rendered.mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=rendered.filename)
    return response


# ------------------------------------------------------------------------------------------ the description


@bp.get("/openapi.json")
def openapi() -> Response:
    """Serve the OpenAPI 3.1 document, built from the code."""
    from .openapi import build

    return Response(json.dumps(build(), ensure_ascii=False), mimetype="application/json",
                    headers={"Cache-Control": "public, max-age=300"})


@bp.get("/docs")
def docs() -> Response:
    """Serve the rendered API reference (Redoc, vendored under static/vendor/redoc; no CDN)."""
    from flask import render_template

    response = Response(render_template("api/docs.html"), mimetype="text/html")
    # Redoc styles itself with inline <style> and runs its search index in a blob: worker.
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/problems")
@bp.get("/problems/<slug>")
def problem_types(slug: str | None = None) -> Response:
    """List the problem types the API answers with (the ``type`` URIs of its errors resolve here)."""
    from .problems import catalogue

    listed = catalogue()
    if slug is not None:
        listed = [t for t in listed if t["type"].endswith("/" + slug)]
        if not listed:
            return problem("not-found", "没有这种问题类型", "no such problem type")
        return _json(listed[0])
    return _json({"items": listed})


__all__ = ["MIMETYPE"]
