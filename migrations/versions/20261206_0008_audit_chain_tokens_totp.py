"""Chain the audit log by hashes and record where from; API tokens with names, scopes and expiry; TOTP.

Issue 16 (accounts and access):

- ``audit_log`` gains ``ip``, ``user_agent``, ``result`` and the hash chain ``prev_hash`` / ``row_hash``.
  The rows already there are chained here, in id order, with the hash function of
  ``portal/services/audit.py`` as it stands today (copied below: a migration never imports the app).
  Their trigger is dropped for that and created again; on PostgreSQL a TRUNCATE trigger is added to both
  immutable tables (the row triggers of 0001 do not fire on TRUNCATE).
- ``api_token``: the single ``user_account.api_token_hash`` becomes one row per token. **Existing tokens
  keep working**: each becomes a token named "迁移的令牌 / migrated token" with the write scope it had,
  expiring 90 days after this migration, after which its owner issues a new one.
- ``user_account`` gains the TOTP columns; ``recovery_code`` holds the second factor's recovery codes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 20:40:00

"""
import datetime as dt
import hashlib
import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64
MIGRATED_TOKEN_DAYS = 90


def _at_text(at):
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _row_hash(row):
    """Copy of portal.services.audit.row_hash as of this revision."""
    payload = [row["id"], _at_text(row["at"]), row["actor_id"], row["action"], row["entity_type"],
               row["entity_id"], row["before_json"], row["after_json"], row["ip"], row["user_agent"],
               row["result"], row["prev_hash"]]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def _drop_audit_triggers(dialect):
    if dialect == "sqlite":
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_{event}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_immutable ON audit_log")


def _create_audit_triggers(dialect):
    if dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                       "BEGIN SELECT RAISE(ABORT, 'audit_log rows are immutable'); END")
    elif dialect == "postgresql":
        # The function audit_log_immutable() of 0001 is still there.
        op.execute("CREATE TRIGGER audit_log_immutable BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION audit_log_immutable()")


def _chain_existing_rows():
    audit = sa.table(
        "audit_log", sa.column("id", sa.Integer), sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor_id", sa.Integer), sa.column("action", sa.String), sa.column("entity_type", sa.String),
        sa.column("entity_id", sa.Integer), sa.column("before_json", sa.Text), sa.column("after_json", sa.Text),
        sa.column("ip", sa.String), sa.column("user_agent", sa.String), sa.column("result", sa.String),
        sa.column("prev_hash", sa.String), sa.column("row_hash", sa.String),
    )
    bind = op.get_bind()
    previous = GENESIS_HASH
    rows = bind.execute(sa.select(audit).order_by(audit.c.id)).mappings().all()
    updates = []
    for row in rows:
        chained = {**row, "prev_hash": previous}
        previous = _row_hash(chained)
        updates.append({"b_id": row["id"], "prev_hash": chained["prev_hash"], "row_hash": previous})
    if updates:
        bind.execute(
            audit.update().where(audit.c.id == sa.bindparam("b_id"))
            .values(prev_hash=sa.bindparam("prev_hash"), row_hash=sa.bindparam("row_hash")),
            updates,
        )


def _migrate_api_tokens():
    bind = op.get_bind()
    users = bind.execute(sa.text("SELECT id, api_token_hash FROM user_account WHERE api_token_hash IS NOT NULL")).all()
    if not users:
        return
    tokens = sa.table("api_token", sa.column("user_id", sa.Integer), sa.column("name", sa.String),
                      sa.column("token_hash", sa.String), sa.column("scope", sa.String),
                      sa.column("expires_at", sa.DateTime(timezone=True)))
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=MIGRATED_TOKEN_DAYS)
    bind.execute(tokens.insert(), [
        {"user_id": user_id, "name": "迁移的令牌 / migrated token", "token_hash": token_hash, "scope": "write",
         "expires_at": expires}
        for user_id, token_hash in users
    ])


def upgrade():
    dialect = op.get_bind().dialect.name
    _drop_audit_triggers(dialect)
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ip', sa.String(length=45), nullable=True))
        batch_op.add_column(sa.Column('user_agent', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('result', sa.String(length=10), server_default='success', nullable=False))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=True))
    _chain_existing_rows()
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('row_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_log_row_hash'), ['row_hash'])
        batch_op.create_check_constraint(batch_op.f('ck_audit_log_result_known'), "result IN ('success', 'failure')")
        batch_op.create_check_constraint(batch_op.f('ck_audit_log_hash_length'),
                                         'length(prev_hash) = 64 AND length(row_hash) = 64')
        batch_op.create_index('ix_audit_log_entity', ['entity_type', 'entity_id', 'id'], unique=False)
    _create_audit_triggers(dialect)
    if dialect == "postgresql":
        for table in ("audit_log", "filing_version"):
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_immutable()")

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_reason', sa.String(length=40), nullable=True),
    sa.CheckConstraint("scope IN ('read', 'write')", name=op.f('ck_api_token_scope_known')),
    sa.CheckConstraint('length(token_hash) = 64', name=op.f('ck_api_token_token_hash_length')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_api_token_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_recovery_code_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code')),
    sa.UniqueConstraint('user_id', 'code_hash', name=op.f('uq_recovery_code_user_id_code_hash'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)

    _migrate_api_tokens()
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_counter', sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_user_account_api_token_hash'), type_='unique')
        batch_op.drop_column('api_token_hash')


def downgrade():
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('api_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_user_account_api_token_hash'), ['api_token_hash'])
        batch_op.drop_column('totp_last_counter')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')
    # Each user's newest live token of write scope goes back into the single column (the others are lost).
    op.execute(
        "UPDATE user_account SET api_token_hash = (SELECT t.token_hash FROM api_token t "
        "WHERE t.user_id = user_account.id AND t.revoked_at IS NULL AND t.scope = 'write' "
        "ORDER BY t.id DESC LIMIT 1)"
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))
    op.drop_table('recovery_code')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))
    op.drop_table('api_token')

    if dialect == "postgresql":
        for table in ("audit_log", "filing_version"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    _drop_audit_triggers(dialect)
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_entity')
        batch_op.drop_constraint(batch_op.f('ck_audit_log_hash_length'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_audit_log_result_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_audit_log_row_hash'), type_='unique')
        batch_op.drop_column('row_hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('result')
        batch_op.drop_column('user_agent')
        batch_op.drop_column('ip')
    _create_audit_triggers(dialect)
