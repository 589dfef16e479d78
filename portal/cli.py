"""The ``portal`` command line: check, render, xlsx, import, seed-demo, derive-facts, serve, worker, ``db`` (Flask-Migrate).

A plain click group, not Flask's: ``check``, ``render FILE`` and ``xlsx`` need neither a server nor a
database (filing-format.md), so they import neither Flask nor the application and start in a fraction of the
time building the web application takes (``benchmarks/bench_startup.py``). Commands that need the
application create it when they run (:func:`needs_app`); ``db``, ``shell``, ``routes`` and ``run`` are
Flask's and Flask-Migrate's own commands, imported only when named. Commands that touch the database commit
once at their end.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from flask import Flask

F = TypeVar("F", bound=Callable[..., Any])

#: Commands of Flask and Flask-Migrate, imported only when one of them is run (or ``--help`` lists them).
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "db": ("flask_migrate.cli", "db"),
    "shell": ("flask.cli", "shell_command"),
    "routes": ("flask.cli", "routes_command"),
    "run": ("flask.cli", "run_command"),
}


def _create_app() -> Flask:
    from . import create_app

    return create_app()


def _script_info(ctx: click.Context) -> Any:
    """Return the ScriptInfo Flask's commands load the app from: the caller's (a test runner's), else ours."""
    from flask.cli import ScriptInfo

    info = ctx.find_object(ScriptInfo)
    if info is None:
        info = ScriptInfo(create_app=_create_app, set_debug_flag=False, load_dotenv_defaults=False)
        ctx.find_root().obj = info
    return info


def needs_app(f: F) -> F:
    """Run the command inside an application context, creating the application only now (not for check)."""

    @click.pass_context
    def decorator(ctx: click.Context, /, *args: Any, **kwargs: Any) -> Any:
        from flask import current_app

        if not current_app:  # `flask --app wsgi …` and test runners have one already
            ctx.with_resource(_script_info(ctx).load_app().app_context())
        return ctx.invoke(f, *args, **kwargs)

    return functools.update_wrapper(decorator, f)  # type: ignore[return-value]


class PortalGroup(click.Group):
    """Hold the portal's commands; Flask's and Flask-Migrate's are imported only when asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module, name = LAZY_COMMANDS[cmd_name]
            _script_info(ctx)  # their @with_appcontext loads the app from it
            command: click.Command = getattr(importlib.import_module(module), name)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=PortalGroup)
def main() -> None:
    """Run the 减污降碳协同申报平台 portal's commands."""


@main.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--previous", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The prior accepted year's document, for year-over-year rules.")
@click.option("--json", "as_array", is_flag=True, help="Print one JSON array and nothing else.")
@click.option("--ghg", "ghg", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The accepted GHG report the annual disclosure's prefill is derived from (with --previous: its prior year).")
@click.option("--audit", "audit", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The accepted mandatory audit the annual disclosure's prefill is derived from.")
def check_command(files: tuple[Path, ...], previous: Path | None, as_array: bool, ghg: Path | None,
                  audit: Path | None) -> None:
    """Validate documents, compute and run the rules; exit 0 (no error), 1 (errors) or 2 (unreadable)."""
    from .checking_cli import run_check

    sys.exit(run_check(list(files), previous, as_array, ghg_path=ghg, audit_path=audit))


@main.command("rules")
@click.option("--json", "as_array", is_flag=True, help="Print one JSON array and nothing else.")
def rules_command(as_array: bool) -> None:
    """List the rule catalogue in force: id, severity, kinds, provinces, check, citation (filing-format.md)."""
    from .checking_cli import run_rules

    sys.exit(run_rules(as_array))


@main.command("render")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--filing", "filing_id", type=int, help="Render a submitted version from the database instead of a file.")
@click.option("--version", "number", type=int, help="The version number (default: the filing's latest).")
@click.option("--pdf", "pdf_out", type=click.Path(dir_okay=False, path_type=Path), help="Write the PDF copy here.")
@click.option("--xlsx", "xlsx_out", type=click.Path(dir_okay=False, path_type=Path), help="Write the Excel filing here.")
def render_command(file: Path | None, filing_id: int | None, number: int | None, pdf_out: Path | None,
                   xlsx_out: Path | None) -> None:
    """Render one document's PDF copy and Excel filing: from FILE (marked 草稿), or a submitted version."""
    if (file is None) == (filing_id is None):
        raise click.UsageError("give a FILE or --filing ID / 请指定文件或 --filing")
    if pdf_out is None and xlsx_out is None:
        raise click.UsageError("give --pdf or --xlsx / 请指定 --pdf 或 --xlsx")
    if file is not None:
        from .checking_cli import run_render

        sys.exit(run_render(file, pdf_out, xlsx_out))
    assert filing_id is not None
    _render_version(filing_id, number, pdf_out, xlsx_out)


@needs_app
def _render_version(filing_id: int, number: int | None, pdf_out: Path | None, xlsx_out: Path | None) -> None:
    from .checking_cli import run_render_version

    sys.exit(run_render_version(filing_id, number, pdf_out, xlsx_out))


@main.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Trust the certificates in this PEM file instead of this installation's.")
@click.option("--document", "document_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the embedded canonical document (JSON) here.")
def verify_command(file: Path, cert: Path | None, document_out: Path | None) -> None:
    """Check a PDF copy of record: signature over the whole file, embedded document's hash (exit 0 / 1)."""
    from .verify_cli import run_verify

    sys.exit(run_verify(file, cert, document_out))


@main.command("xlsx")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The upload workbook to write.")
def xlsx_command(files: tuple[Path, ...], out: Path) -> None:
    """Write one upload workbook (the bulk-upload template, filled) holding the given documents of one kind."""
    from .checking_cli import run_xlsx

    sys.exit(run_xlsx(list(files), out))


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "email", help="Import as this user (filer or signatory of the enterprises); default: as the system.")
@click.option("--errors", "errors_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the annotated workbook on errors (default: FILE.errors.xlsx).")
@needs_app
def import_command(file: Path, email: str | None, errors_out: Path | None) -> None:
    """Load an upload workbook into the database as drafts, all or nothing (exit 0 / 1 errors / 2 refused)."""
    from sqlalchemy import select

    from .extensions import db
    from .models import User
    from .services.imports import import_workbook

    actor = None
    if email is not None:
        actor = db.session.scalar(select(User).where(User.email == email.strip().lower()))
        if actor is None or not actor.active:
            click.echo(f"portal import: 没有此用户 {email} / no such active user {email}", err=True)
            sys.exit(2)
    outcome = import_workbook(actor, file.read_bytes(), file.name)
    db.session.commit()  # the import record, and on success the drafts
    click.echo(f"{outcome.message_zh} / {outcome.message_en}")
    for filing_id, uscc, year, kind, action in outcome.filings:
        click.echo(f"  {action}\t#{filing_id}\t{uscc}\t{year}\t{kind}")
    if outcome.ok:
        sys.exit(0)
    for error in outcome.errors[:50]:
        click.echo(f"  {error.describe()}", err=True)
    if outcome.error_workbook is not None:
        target = errors_out or file.with_name(file.stem + ".errors.xlsx")
        target.write_bytes(outcome.error_workbook)
        click.echo(f"标注了错误的工作簿 / annotated workbook: {target}", err=True)
        sys.exit(1)
    sys.exit(2)


@main.command("seed-demo")
@needs_app
def seed_demo_command() -> None:
    """Load demo enterprises in both provinces with one user per role (idempotent)."""
    from .demo import seed_demo
    from .extensions import db

    created = seed_demo()
    db.session.commit()
    click.echo("演示数据已就绪 / demo data ready" + (f" (+{created})" if created else ""))


@main.command("derive-facts")
@needs_app
def derive_facts_command() -> None:
    """Derive the review queue's counts and the dashboard's figures of versions that lack them (idempotent)."""
    from .extensions import db
    from .services import version_facts

    derived = version_facts.refresh()
    db.session.commit()
    click.echo(f"已汇总 {derived} 个版本 / derived the facts of {derived} version(s)")


def _derive_missing_facts(app: Flask) -> None:
    """Derive the facts of versions written outside submit() (demo seed, scripts, migration 0007) at start-up.

    The queue and the dashboard only read them: a page view never writes (portal.web.transaction).
    """
    from .extensions import db
    from .services import version_facts

    with app.app_context():
        derived = version_facts.refresh_safely()
        db.session.commit()
    if derived:
        click.echo(f"已汇总 {derived} 个版本 / derived the facts of {derived} version(s)", err=True)


@main.command("notify-deadlines")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The date to judge deadlines on (default: today).")
@needs_app
def notify_deadlines_command(today: object) -> None:
    """Send overdue and approaching-deadline notices for GHG reports (idempotent), then the mail outbox."""
    import datetime as dt

    from flask import current_app

    from .extensions import db
    from .services import notifications

    day = today.date() if isinstance(today, dt.datetime) else dt.date.today()
    sent = notifications.notify_deadlines(day, int(current_app.config["NOTIFY_DUE_SOON_DAYS"]))
    db.session.commit()
    mailed, failed = notifications.deliver_outbox(current_app.config, limit=10_000)
    db.session.commit()
    click.echo(f"截止日期通知 / deadline notices: {sent}; 邮件 / mail sent {mailed}, failed {failed}")


@main.command("send-mail")
@needs_app
def send_mail_command() -> None:
    """Send the e-mail outbox (retries messages that failed before)."""
    from flask import current_app

    from .extensions import db
    from .services import notifications

    mailed, failed = notifications.deliver_outbox(current_app.config, limit=10_000)
    db.session.commit()
    click.echo(f"邮件 / mail sent {mailed}, failed {failed}")
    sys.exit(1 if failed else 0)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve the portal with waitress (the embedded mode: one process, SQLite, in-process jobs)."""
    from waitress import serve

    app = _create_app()
    _derive_missing_facts(app)
    from .jobs import get_queue

    queue = get_queue(app)
    if queue.mode == "embedded":  # uploads queued before a restart run now, not at the next upload
        from .jobs.runner import reap_stale_jobs

        reap_stale_jobs(app)
        queue.start_embedded_worker()
    click.echo(f"减污降碳协同申报平台 running at http://{host}:{port}/  (Ctrl+C to stop)")
    serve(app, host=host, port=port, threads=threads, ident="portal")


@main.command("worker")
@click.option("--threads", default=None, type=int, help="Worker threads in this process (default JOB_WORKERS).")
def worker_command(threads: int | None) -> None:
    """Run a job worker on the queue named by PORTAL_JOB_QUEUE (redis://… in production); stop with Ctrl+C/TERM."""
    import logging

    from .jobs import get_queue
    from .jobs.runner import reap_stale_jobs

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = _create_app()
    queue = get_queue(app)
    if queue.mode == "immediate":
        raise click.UsageError("PORTAL_JOB_QUEUE=immediate runs jobs where they are queued: no worker needed")
    reap_stale_jobs(app)  # jobs whose worker died while nobody was watching are shown interrupted, not running
    _derive_missing_facts(app)
    click.echo(f"portal worker on {queue.mode} queue {queue.huey.name!r}, pid {os.getpid()}", err=True)
    queue.consumer(threads or int(app.config.get("JOB_WORKERS") or 1)).run()


def register_app_commands(app: Flask) -> None:
    """Register commands that need the app on ``flask --app wsgi``, too."""
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(derive_facts_command)
    app.cli.add_command(notify_deadlines_command)
    app.cli.add_command(send_mail_command)
