"""Ready for signature (issue 20 item 13): a preparer hands the draft to the enterprise's signatories.

- ``signature_request``: the hand-over (revision and SHA-256 of the draft, who, when, an optional note),
  open until the draft is submitted, changes, or is handed over again; at most one open per filing.
- ``notification.kind`` admits ``ready_for_signature``.

Revision ID: 0016
Revises: 0010
Create Date: 2026-12-07 00:10:00

"""
import sqlalchemy as sa
from alembic import op

OLD_KINDS = "kind IN ('submitted', 'returned', 'accepted', 'overdue', 'due_soon', 'reminder')"
NEW_KINDS = "kind IN ('submitted', 'returned', 'accepted', 'overdue', 'due_soon', 'reminder', 'ready_for_signature')"

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0010'
branch_labels = None
depends_on = None


def _notification_kinds(check):
    # SQLite rebuilds the table to change a CHECK constraint; migrations run with foreign keys off (env.py).
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_notification_kind_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_notification_kind_known"), check)


def upgrade():
    _notification_kinds(NEW_KINDS)
    op.create_table('signature_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filing_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_reason', sa.String(length=20), nullable=True),
    sa.CheckConstraint('(closed_at IS NULL) = (closed_reason IS NULL)', name=op.f('ck_signature_request_closed_iff_reason')),
    sa.CheckConstraint("closed_reason IS NULL OR closed_reason IN ('submitted', 'draft_changed', 'replaced')", name=op.f('ck_signature_request_closed_reason_known')),
    sa.CheckConstraint('length(note) <= 500', name=op.f('ck_signature_request_note_length')),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_signature_request_sha256_length')),
    sa.ForeignKeyConstraint(['filing_id'], ['filing.id'], name=op.f('fk_signature_request_filing_id_filing'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_signature_request_requested_by_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signature_request'))
    )
    with op.batch_alter_table('signature_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signature_request_filing_id'), ['filing_id'], unique=False)
        batch_op.create_index('ix_signature_request_one_open', ['filing_id'], unique=True, sqlite_where=sa.text('closed_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL'))


def downgrade():
    with op.batch_alter_table('signature_request', schema=None) as batch_op:
        batch_op.drop_index('ix_signature_request_one_open', sqlite_where=sa.text('closed_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_signature_request_filing_id'))
    op.drop_table('signature_request')
    op.execute("DELETE FROM notification WHERE kind = 'ready_for_signature'")
    _notification_kinds(OLD_KINDS)
