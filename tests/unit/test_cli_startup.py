"""The command line builds no web application for what needs none (issue 13 item 5; filing-format.md).

``portal check``, ``portal render FILE --xlsx`` and ``portal xlsx`` run in a fresh interpreter here (the
test process has imported Flask long ago), which reports the modules it imported and the folders it made.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.cli import main

ROOT = Path(__file__).resolve().parents[2]
_SHARED = ROOT.parent / "shared" / "examples"
EXAMPLES = _SHARED if _SHARED.exists() else ROOT / "portal" / "demo_data"
GHG = EXAMPLES / "ghg-jx-cement-2024.json"

#: Importing any of these means the web application (or its database layer, or a renderer) was built.
#: (Jinja2 is the renderers' template engine too: ``render`` and ``xlsx`` may import it, ``check`` may not.)
APP_MODULES = ("flask", "flask_sqlalchemy", "flask_migrate", "flask_login", "flask_wtf", "werkzeug",
               "sqlalchemy", "alembic", "argon2", "portal.extensions", "portal.models", "portal.web", "portal.api",
               "portal.services", "portal.auth", "weasyprint")

PROBE = """
import json, os, sys
made = []
_mkdir = os.mkdir
def spy(path, *args, **kwargs):
    made.append(os.fspath(path))
    return _mkdir(path, *args, **kwargs)
os.mkdir = spy
from portal.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "made": made, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _probe(*args: str) -> dict:  # type: ignore[type-arg]
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    report["stdout"] = done.stdout
    return report  # type: ignore[no-any-return]


def _app_modules(modules: list[str]) -> list[str]:
    return [m for m in modules if m in APP_MODULES or m.startswith(tuple(f"{a}." for a in APP_MODULES))]


def test_check_imports_no_web_application_and_makes_no_folder() -> None:
    report = _probe("check", str(GHG), "--json")
    assert report["code"] == 0
    assert json.loads(report["stdout"])[0]["computed"]["total_tco2"] == 1067866
    assert _app_modules(report["modules"]) == []
    assert "jinja2" not in report["modules"] and "openpyxl" not in report["modules"]
    assert report["made"] == []  # no instance/ folder (nor any other)
    assert "portal.importers" not in report["modules"]  # a JSON document needs no workbook reader


def test_check_of_a_workbook_and_xlsx_import_no_web_application(tmp_path: Path) -> None:
    book = tmp_path / "one.xlsx"
    made = _probe("xlsx", str(GHG), "-o", str(book))
    assert made["code"] == 0 and book.exists()
    checked = _probe("check", str(book), "--json")
    assert checked["code"] == 0
    assert json.loads(checked["stdout"])[0]["uscc"] == "91360700MA38P2K51K"
    for report in (made, checked):
        assert _app_modules(report["modules"]) == []
        assert not [m for m in report["made"] if Path(m).name == "instance"]
    assert "openpyxl" not in checked["modules"]  # reading needs only the guard and python-calamine


def test_render_of_a_file_to_xlsx_imports_no_web_application(tmp_path: Path) -> None:
    report = _probe("render", str(GHG), "--xlsx", str(tmp_path / "filing.xlsx"))
    assert report["code"] == 0 and (tmp_path / "filing.xlsx").stat().st_size > 0
    assert _app_modules(report["modules"]) == []


def test_the_database_commands_are_still_there() -> None:
    listed = CliRunner().invoke(main, ["--help"])
    assert listed.exit_code == 0
    for name in ("check", "render", "xlsx", "import", "seed-demo", "derive-facts", "serve", "worker", "db"):
        assert f"  {name} " in listed.output, name
    db_help = CliRunner().invoke(main, ["db", "--help"])
    assert db_help.exit_code == 0 and "upgrade" in db_help.output and "downgrade" in db_help.output


@pytest.mark.slow
def test_db_current_builds_the_app_only_when_run(tmp_path: Path) -> None:
    """``portal db …`` (Flask-Migrate) still loads the application, lazily, from the environment."""
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}"}
    script = Path(sys.executable).parent / "portal"
    upgraded = subprocess.run([str(script), "db", "upgrade"], capture_output=True, text=True, timeout=180, env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    current = subprocess.run([str(script), "db", "current"], capture_output=True, text=True, timeout=180, env=env)
    assert current.returncode == 0 and "(head)" in current.stdout, current.stderr + current.stdout
