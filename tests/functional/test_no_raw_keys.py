"""No user-facing message shows a raw field key such as ``password`` or ``permit_number`` (issue 20 item 5).

Three walks: every message a service, importer, guard, codec or rule writes (their literal text, read from
the source), every entry of the translation catalogue, and the messages actually rendered on the error
paths a filer meets (a wrong password, a refused service action, a bad upload, an out-of-bounds value).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

from portal.domain.documents import KINDS
from portal.domain.schema import check_value, schema_of
from tests.conftest import login
from tests.helpers import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
#: a lower_snake_case token standing alone (not part of a path, a URL, a %(name)s or a {placeholder})
SNAKE = re.compile(r"(?<![\w./%(\-\[{])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w(])")
#: the constructors and calls whose first two positional arguments are a message shown to people
MESSAGE_CALLS = {"ServiceError", "CellError", "CellValueError", "HostileFile", "DocumentError", "Text", "BadInput",
                 "flash", "_", "_l", "bilingual", "InvalidDocument"}
#: messages about the reference-data files, read by the operator who edits them (they name the file's keys)
OPERATOR_ONLY = {Path("portal/reference/files.py")}


def _texts(node: ast.AST):  # type: ignore[no-untyped-def]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        for value in node.values:
            if isinstance(value, ast.Constant):
                yield value.value
    elif isinstance(node, ast.BinOp):
        yield from _texts(node.left)
        yield from _texts(node.right)


def _sources() -> list[Path]:
    files = [*ROOT.joinpath("portal").rglob("*.py"), *ROOT.joinpath("forms").rglob("*.py")]
    return [f for f in files if f.relative_to(ROOT) not in OPERATOR_ONLY]


def test_no_message_written_in_the_code_holds_a_raw_key() -> None:
    found = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            args: list[ast.AST] = []
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if name in MESSAGE_CALLS:
                    args = list(node.args[:2])
            elif isinstance(node, ast.Yield) and isinstance(node.value, ast.Tuple) and len(node.value.elts) == 3:
                args = node.value.elts[1:]  # a rule's hit: (path, message_zh, message_en)
            for arg in args:
                for text in _texts(arg):
                    found += [f"{path.relative_to(ROOT)}:{node.lineno}: {m}" for m in SNAKE.findall(text)]
    assert not found, found


def test_no_message_prefixes_a_field_key() -> None:
    """A message is never built as "<key>: <message>" from a field's key ("password: 密码不正确")."""
    found = []
    shown = ("portal/web", "portal/api", "portal/services", "forms")  # what answers people (not CLIs, not TypeError)
    for path in _sources():
        if not str(path.relative_to(ROOT)).startswith(shown):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            for a, b in zip(node.values, node.values[1:], strict=False):
                if (isinstance(a, ast.FormattedValue) and isinstance(b, ast.Constant) and str(b.value).startswith(": ")
                        and re.search(r"(^|\.)(field|name|key|attr)$", ast.unparse(a.value))):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, found


def test_the_translation_catalogue_holds_no_raw_key() -> None:
    with open(ROOT / "portal/translations/en/LC_MESSAGES/messages.po", "rb") as f:
        catalogue = read_po(f)
    found = []
    for message in catalogue:
        for text in (message.id, message.string):
            for t in text if isinstance(text, tuple) else (text,):
                found += [f"{t!r}: {m}" for m in SNAKE.findall(re.sub(r"%\(\w+\)s", "", t or ""))]
    assert not found, found


def test_every_bounds_and_length_message_reads_in_words() -> None:
    for kind in KINDS:
        for node in schema_of(kind).root.walk():
            bad = None
            if node.kind in ("number", "integer") and node.bounds is not None and node.bounds.high is not None:
                bad = node.bounds.high + 1
            elif node.kind in ("text", "code") and node.max_length:
                bad = "x" * (node.max_length + 1)
            problem = check_value(node, bad) if bad is not None else None
            if problem is not None:
                assert not SNAKE.findall(problem.zh) and not SNAKE.findall(problem.en), (node.path, problem)


def test_the_rendered_error_paths_show_no_raw_key(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    pages = []
    # a refused signing password (ServiceError naming the field "password")
    wrong = client.post("/account/two-factor", data={"action": "recovery", "r-password": "not-my-password"})
    pages.append(wrong.get_data(as_text=True))
    # a refused new filing (a form error flashed with its field)
    client.post(f"/enterprises/{world.a.id}/filings", data={"kind": "ghg_annual_report", "year": "abc"})
    pages.append(client.get(f"/enterprises/{world.a.id}").get_data(as_text=True))
    # a refused password change
    pages.append(client.post("/account/password", data={"current_password": "x", "new_password": PASSWORD + "1",
                                                         "confirm": PASSWORD + "1"}).get_data(as_text=True))
    for page in pages:
        alerts = re.findall(r'class="[^"]*(?:alert|invalid-feedback)[^"]*"[^>]*>(.*?)</div>', page, re.S)
        for alert in alerts:
            text = re.sub(r"<[^>]+>", " ", alert)
            assert not SNAKE.findall(text), text
            assert "password:" not in text and "year:" not in text, text


def test_a_finding_names_its_field_in_words_on_the_filing_page(client, world) -> None:  # type: ignore[no-untyped-def]
    import json

    from portal.domain.codec import document_from_json
    from portal.extensions import db
    from portal.services import filings
    from tests.helpers import example_text

    data = json.loads(example_text("ghg-jx-cement-2024.json"))
    data["fuels"][1]["ncv"] = 60  # GHG-004 at fuels[1].ncv
    filings.save_draft(world.users["filer_a"], world.filing_a, document_from_json(json.dumps(data)), None)
    db.session.commit()
    login(client, "filer_a@test.cn")
    page = client.get(f"/filings/{world.filing_a.id}").get_data(as_text=True)
    places = re.findall(r'class="small text-muted finding-place">([^<]*)<', page)
    assert "化石燃料燃烧 第2行 低位发热量（实测）" in places
    assert all(not SNAKE.findall(p) and "[" not in p for p in places), places
