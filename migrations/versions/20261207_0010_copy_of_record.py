"""The copy of record (issue 15, second half): certifications bound to a revision, reviewers' reads,
versions' frozen records, rendered files kept in the object store, and render jobs.

- ``certification``: the signatory's certification of one revision of a draft (its text and SHA-256);
  at most one active per filing (a partial unique index).
- ``version_read``: a reviewer opened a version, and the hash read. Append-only.
- ``version_record``: what a version prints besides its document, frozen at submission. Append-only.
  Versions submitted before this revision have none: they render as before (recomputed with the
  reference data of their submission), and ``portal records backfill`` writes theirs where recomputing
  reproduces their stored results.
- ``stored_object`` and ``version_file``: objects of the store (by SHA-256) and each version's PDF and
  Excel filing.
- ``job.kind`` admits ``render_version`` and ``render_draft``.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 21:37:04.284680

"""
import sqlalchemy as sa
from alembic import op

# Like filing_version and audit_log (0001, 0008): the ORM refuses too, but a trigger also stops raw SQL.
APPEND_ONLY = ("version_record", "version_read")
OLD_JOB_KINDS = "kind IN ('import_workbook')"
NEW_JOB_KINDS = "kind IN ('import_workbook', 'render_version', 'render_draft')"


def _create_triggers(dialect):
    for table in APPEND_ONLY:
        if dialect == "sqlite":
            for event in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} rows are immutable'); END")
        elif dialect == "postgresql":
            op.execute(f"CREATE FUNCTION {table}_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       f"BEGIN RAISE EXCEPTION '{table} rows are immutable'; END $$")
            op.execute(f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION {table}_immutable()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_immutable()")


def _drop_triggers(dialect):
    for table in APPEND_ONLY:
        if dialect == "sqlite":
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_immutable()")


def _job_kinds(check):
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_job_kind_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_job_kind_known"), check)


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # First, while no table refers to job (SQLite rebuilds the table to change a CHECK constraint).
    _job_kinds(NEW_JOB_KINDS)
    op.create_table('stored_object',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('frozen', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_stored_object_sha256_length')),
    sa.CheckConstraint('size >= 0', name=op.f('ck_stored_object_size_non_negative')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_stored_object'))
    )
    op.create_table('certification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filing_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('canonical_json', sa.Text(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('certified_by_id', sa.Integer(), nullable=False),
    sa.Column('certified_at', sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('void_reason', sa.String(length=20), nullable=True),
    sa.Column('voided_revision', sa.Integer(), nullable=True),
    sa.Column('voided_sha256', sa.String(length=64), nullable=True),
    sa.Column('version_number', sa.Integer(), nullable=True),
    sa.CheckConstraint("(status = 'submitted') = (version_number IS NOT NULL)", name=op.f('ck_certification_version_iff_submitted')),
    sa.CheckConstraint("(status = 'void') = (voided_at IS NOT NULL AND void_reason IS NOT NULL)", name=op.f('ck_certification_voided_iff_void')),
    sa.CheckConstraint("status IN ('active', 'void', 'submitted')", name=op.f('ck_certification_status_known')),
    sa.CheckConstraint("void_reason IS NULL OR void_reason IN ('draft_changed', 'recertified')", name=op.f('ck_certification_void_reason_known')),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_certification_sha256_length')),
    sa.ForeignKeyConstraint(['certified_by_id'], ['user_account.id'], name=op.f('fk_certification_certified_by_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['filing_id'], ['filing.id'], name=op.f('fk_certification_filing_id_filing'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['voided_by_id'], ['user_account.id'], name=op.f('fk_certification_voided_by_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification'))
    )
    with op.batch_alter_table('certification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certification_filing_id'), ['filing_id'], unique=False)
        batch_op.create_index('ix_certification_one_active', ['filing_id'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))

    op.create_table('version_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('storage_key', sa.String(length=200), nullable=True),
    sa.Column('stored_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('render_seconds', sa.Float(), nullable=True),
    sa.CheckConstraint("format IN ('pdf', 'xlsx')", name=op.f('ck_version_file_format_known')),
    sa.CheckConstraint('(storage_key IS NULL) = (stored_at IS NULL)', name=op.f('ck_version_file_stored_at_iff_stored')),
    sa.ForeignKeyConstraint(['job_id'], ['job.id'], name=op.f('fk_version_file_job_id_job'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['storage_key'], ['stored_object.key'], name=op.f('fk_version_file_storage_key_stored_object'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['version_id'], ['filing_version.id'], name=op.f('fk_version_file_version_id_filing_version'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_version_file')),
    sa.UniqueConstraint('version_id', 'format', name=op.f('uq_version_file_version_id_format'))
    )
    with op.batch_alter_table('version_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_version_file_version_id'), ['version_id'], unique=False)

    op.create_table('version_read',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('reader_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_version_read_sha256_length')),
    sa.ForeignKeyConstraint(['reader_id'], ['user_account.id'], name=op.f('fk_version_read_reader_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['version_id'], ['filing_version.id'], name=op.f('fk_version_read_version_id_filing_version'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_version_read'))
    )
    with op.batch_alter_table('version_read', schema=None) as batch_op:
        batch_op.create_index('ix_version_read_version_reader', ['version_id', 'reader_id'], unique=False)

    op.create_table('version_record',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.Integer(), nullable=False),
    sa.Column('record_json', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('origin', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
    sa.CheckConstraint("origin IN ('submission', 'backfill')", name=op.f('ck_version_record_origin_known')),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_version_record_sha256_length')),
    sa.ForeignKeyConstraint(['version_id'], ['filing_version.id'], name=op.f('fk_version_record_version_id_filing_version'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('version_id', name=op.f('pk_version_record'))
    )
    _create_triggers(op.get_bind().dialect.name)


def downgrade():
    _drop_triggers(op.get_bind().dialect.name)
    op.drop_table('version_record')
    with op.batch_alter_table('version_read', schema=None) as batch_op:
        batch_op.drop_index('ix_version_read_version_reader')

    op.drop_table('version_read')
    with op.batch_alter_table('version_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_version_file_version_id'))

    op.drop_table('version_file')
    with op.batch_alter_table('certification', schema=None) as batch_op:
        batch_op.drop_index('ix_certification_one_active', sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.drop_index(batch_op.f('ix_certification_filing_id'))

    op.drop_table('certification')
    op.drop_table('stored_object')
    op.execute("DELETE FROM job WHERE kind IN ('render_version', 'render_draft')")
    _job_kinds(OLD_JOB_KINDS)
