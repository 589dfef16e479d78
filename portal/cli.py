"""The ``portal`` command line: check, render, xlsx, import, seed-demo, derive-facts, serve, worker, ``db`` (Flask-Migrate).

A plain click group, not Flask's: ``check``, ``render FILE`` and ``xlsx`` need neither a server nor a
database (filing-format.md), so they import neither Flask nor the application and start in a fraction of the
time building the web application takes (``benchmarks/bench_startup.py``). Commands that need the
application create it when they run (:func:`needs_app`); ``db``, ``shell`` and ``routes`` are
Flask's and Flask-Migrate's own commands, imported only when named (Flask's ``run`` is left out: ``portal
serve`` serves, and refuses the default SECRET_KEY). Commands that touch the database commit
once at their end.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

if TYPE_CHECKING:
    from flask import Flask

F = TypeVar("F", bound=Callable[..., Any])

#: Commands of Flask and Flask-Migrate, imported only when one of them is run (or ``--help`` lists them).
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "db": ("flask_migrate.cli", "db"),
    "shell": ("flask.cli", "shell_command"),
    "routes": ("flask.cli", "routes_command"),
    # Flask's own "run" (a development server) is left out: "portal serve" serves, and refuses the default key.
}


def _create_app() -> Flask:
    """Create the app for a command that serves no request: it may run with the default SECRET_KEY."""
    from . import create_app

    return create_app({"SERVES_REQUESTS": False})


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

    return cast(F, functools.update_wrapper(decorator, f))  # the wrapper takes the arguments f takes


class PortalGroup(click.Group):
    """Hold the portal's commands; Flask's and Flask-Migrate's are imported only when asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module, name = LAZY_COMMANDS[cmd_name]
            _script_info(ctx)  # their @with_appcontext loads the app from it
            command: click.Command = getattr(importlib.import_module(module), name)
            if cmd_name == "db" and isinstance(command, click.Group):
                command = with_grant_app_role(command)
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
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array (id, severity, scope, citation …).")
def rules_command(as_json: bool) -> None:
    """List the rule catalogue in force: id, severity, kinds, provinces, check, citation and documents."""
    from .rules_cli import run_rules

    sys.exit(run_rules(as_json))


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
    from sqlalchemy import select

    from .demo import seed_demo
    from .extensions import db
    from .jobs import get_queue
    from .models import FilingVersion
    from .services import renders

    created = seed_demo()
    db.session.commit()
    # The demo versions' copies of record, rendered by the queue (embedded: when `portal serve` starts)
    queue = get_queue()
    for version in db.session.scalars(select(FilingVersion).order_by(FilingVersion.id)).all():
        for job_id in renders.queued_jobs(version):
            queue.enqueue(job_id)
    click.echo("演示数据已就绪 / demo data ready" + (f" (+{created})" if created else ""))


@main.command("admin-role")
@click.argument("email")
@click.argument("role", type=click.Choice(["system", "security", "audit", "none"]))
@needs_app
def admin_role_command(email: str, role: str) -> None:
    """Give EMAIL's account an administrator role (system, security, audit), or take it away (none).

    The operator's command, run on the server: it needs no second administrator's approval, which is how an
    installation appoints its first security administrators (issue 16 item 7). Audited as the system.
    """
    from sqlalchemy import func, select

    from .extensions import db
    from .models import User
    from .services import grants
    from .services.errors import ServiceError

    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"没有该邮箱的用户 / no user has the e-mail {email}")
    try:
        if role == "none":
            grants.remove_admin_role(None, user)
        else:
            if user.admin_role is not None and user.admin_role != role:
                grants.remove_admin_role(None, user)  # one role per person: the new one replaces the old
            if user.admin_role != role:
                grants.set_role_directly(None, user, admin_role=role)
    except ServiceError as error:
        raise click.ClickException(f"{error.message_zh} / {error.message_en}") from error
    db.session.commit()
    click.echo(f"{user.email}: {user.admin_role or '—'}")


@main.group("token")
def token_group() -> None:
    """API tokens for integrations (issue 19 item 6)."""


@token_group.command("create")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for (shown on the account's token page)")
@click.option("--scope", type=click.Choice(["read", "write"]), required=True, help="read, or write (includes read)")
@click.option("--days", type=int, default=None, help="Lifetime in days (default 90, at most 365)")
@needs_app
def token_create_command(email: str, name: str, scope: str, days: int | None) -> None:
    """Issue an API token for EMAIL's account and print it once (only its SHA-256 is stored).

    The operator's command, for an integration (an energy-management system filing for its plants): the token
    is the account's, with the account's scope of enterprises, and is audited as issued by the system.
    """
    from sqlalchemy import func, select

    from .extensions import db
    from .models import User
    from .services import tokens
    from .services.errors import ServiceError

    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active:
        raise click.ClickException(f"没有该邮箱的在用账户 / no active user has the e-mail {email}")
    try:
        token, secret = tokens.issue(None, user, name=name, scope=scope,
                                     days=tokens.DEFAULT_DAYS if days is None else days)
    except ServiceError as error:
        raise click.ClickException(f"{error.message_zh} / {error.message_en}") from error
    db.session.commit()
    click.echo(secret)
    click.echo(f"令牌“{token.name}”（{token.scope}）有效至 {token.expires_at:%Y-%m-%d %H:%M} UTC，只显示这一次 / "
               f"token {token.name!r} ({token.scope}) expires {token.expires_at:%Y-%m-%d %H:%M} UTC; shown only "
               "once", err=True)


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

    from . import create_app
    from .jobs import get_queue

    app = create_app()  # serves: refuses the default SECRET_KEY on PostgreSQL, keeps a random one on SQLite
    _derive_missing_facts(app)

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


@main.group("audit")
def audit_group() -> None:
    """Check the audit log."""


@audit_group.command("verify")
@needs_app
def audit_verify_command() -> None:
    """Walk the audit log's hash chain and rehash every submitted version; exit 0 when all hold, 1 naming the first break."""
    from .services.integrity import verify_all

    report = verify_all()
    for line in report.lines():
        click.echo(line)
    sys.exit(0 if report.ok else 1)


@main.group("jobs")
def jobs_group() -> None:
    """Manage background jobs."""


@jobs_group.command("purge")
@click.option("--older-than-days", "days", type=float, default=None,
              help="Purge jobs finished more than this many days ago (default: JOB_RETENTION_DAYS).")
@needs_app
def jobs_purge_command(days: float | None) -> None:
    """Delete finished jobs (done, failed, interrupted) and the draft PDFs only they kept (issue 20 item 14)."""
    import datetime as dt

    from flask import current_app

    from .extensions import db
    from .services import jobs

    days = float(current_app.config["JOB_RETENTION_DAYS"]) if days is None else days
    if days < 0:
        raise click.BadParameter("必须 ≥ 0 / must be ≥ 0", param_hint="--older-than-days")
    purged = jobs.purge_finished(dt.timedelta(days=days))
    db.session.commit()
    click.echo(f"已清除 {purged.jobs} 个已结束的任务和 {purged.files} 个文件 / purged {purged.jobs} finished job(s) "
               f"and {purged.files} stored file(s) older than {days:g} day(s)")


@main.group("records")
def records_group() -> None:
    """Manage the frozen records of submitted versions and their rendered copies (issue 15)."""


@records_group.command("backfill")
@click.option("--limit", type=int, default=None, help="At most this many versions (default: all).")
@needs_app
def records_backfill_command(limit: int | None) -> None:
    """Freeze the record of versions submitted before records existed, where recomputing reproduces them.

    Exit 0 when every version has a record now; 1 naming the versions whose recomputed results no longer
    match their stored ones (they keep refusing to render, and need an administrator's look).
    """
    from .extensions import db
    from .services import records

    written, refused = records.backfill(limit)
    db.session.commit()
    click.echo(f"已冻结 {written} 个版本的存档记录 / froze the record of {written} version(s)")
    if refused:
        click.echo(f"无法重现存储结果的版本 / versions whose stored results cannot be reproduced: {refused}", err=True)
        sys.exit(1)


@records_group.command("render")
@needs_app
def records_render_command() -> None:
    """Queue the render of every version file not stored yet (older versions, lost jobs); a worker runs them."""
    import time

    from sqlalchemy import select

    from .extensions import db
    from .jobs import get_queue
    from .models import FilingVersion, User
    from .services import renders
    from .services.errors import ServiceError

    # A job queued over a minute ago is handed to the queue again (its enqueue may have been lost);
    # a running one is left alone.
    moment = time.time()
    queued: list[int] = []
    for version in db.session.scalars(select(FilingVersion).order_by(FilingVersion.id)).all():
        actor = db.session.get_one(User, version.certified_by_id)  # NOT NULL, ON DELETE RESTRICT
        for fmt in ("pdf", "xlsx"):
            if renders.file_state(version, fmt).stored:
                continue
            try:
                queued.append(renders.requeue_version_file(actor, version, fmt, now=moment))
            except ServiceError:
                continue  # running, or just queued
    db.session.commit()
    queue = get_queue()
    for job_id in queued:
        queue.enqueue(job_id)
    click.echo(f"已排队 {len(queued)} 个文件 / queued {len(queued)} file(s)")


def _grant_app_role_command(role: str) -> None:
    """Give ROLE exactly the application's privileges (PostgreSQL; run as the owner: PORTAL_MIGRATION_DATABASE_URL)."""
    import sqlalchemy as sa
    from flask import current_app

    from .backup import _owner_url
    from .dbroles import app_role_problems, grant_app_role

    engine = sa.create_engine(_owner_url(current_app), poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            if connection.dialect.name != "postgresql":
                raise click.UsageError("database roles exist on PostgreSQL only / 仅 PostgreSQL 有数据库角色")
            for statement in grant_app_role(connection, role):
                click.echo(statement)
            problems = app_role_problems(connection, role)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from error
    finally:
        engine.dispose()
    for problem in problems:
        click.echo(f"警告 / warning: {problem}", err=True)
    sys.exit(1 if problems else 0)


def with_grant_app_role(db_group: click.Group) -> click.Group:
    """Add ``grant-app-role`` to Flask-Migrate's ``db`` group (when ``db`` is named, so others never import it)."""
    from flask.cli import with_appcontext

    if "grant-app-role" not in db_group.commands:
        db_group.command("grant-app-role")(click.argument("role")(with_appcontext(_grant_app_role_command)))
    return db_group


@main.command("backup")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@needs_app
def backup_command(folder: Path) -> None:
    """Back up the database (pg_dump as the owner, or SQLite's online backup) into FOLDER, with a manifest."""
    from .backup import BackupError, backup
    from .extensions import current_flask_app

    try:
        manifest = backup(current_flask_app(), folder)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    audit = manifest.data["audit"]
    objects = manifest.data["objects"]
    click.echo(f"备份完成 / backup written: {folder} — audit rows {audit['rows']}, head #{audit['head_id']} "
               f"{audit['head_hash']}, versions {manifest.data['versions']['count']}, stored objects {objects['count']}")
    for key in objects["missing"]:
        click.echo(f"警告：存储中缺少或损坏的对象 / warning: object missing or damaged in the store: {key}", err=True)
    if not (audit["verified"] and manifest.data["versions"]["verified"]) or objects["missing"]:
        click.echo("警告：备份前的核验未通过（见 portal audit verify） / warning: the data did not verify before the backup",
                   err=True)
        sys.exit(1)


@main.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--database-url", required=True, help="The EMPTY database to restore into, as its owner.")
@click.option("--app-role", default=None, help="Grant the application's privileges to this role (PostgreSQL).")
@click.option("--storage-url", default=None,
              help="The object store to put the stored files into (as PORTAL_STORAGE_URL; default <instance>/storage).")
def restore_command(folder: Path, database_url: str, app_role: str | None, storage_url: str | None) -> None:
    """Restore a backup into an empty database and verify the audit chain and every version hash (exit 0 / 1)."""
    from .backup import BackupError, restore

    try:
        lines = restore(folder, database_url, app_role=app_role, storage_url=storage_url)
    except BackupError as error:
        click.echo(f"恢复未通过核验 / restore failed: {error}", err=True)
        sys.exit(1)
    for line in lines:
        click.echo(line)
    click.echo("恢复完成并已核验 / restored and verified")


def register_app_commands(app: Flask) -> None:
    """Register commands that need the app on ``flask --app wsgi``, too."""
    app.cli.add_command(audit_group)
    app.cli.add_command(records_group)
    app.cli.add_command(jobs_group)
    app.cli.add_command(backup_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(admin_role_command)
    app.cli.add_command(token_group)
    app.cli.add_command(derive_facts_command)
    app.cli.add_command(notify_deadlines_command)
    app.cli.add_command(send_mail_command)
