"""Separate the administrators' duties; role and signatory grants approved by a second person; account links.

Issue 16, second part (accounts and access):

- ``user_account.is_admin`` becomes ``admin_role``: ``system`` (enterprises, reference data, operations),
  ``security`` (accounts, roles, memberships, tokens) or ``audit`` (reads the audit log only) — 三权分立,
  one role per person. **Every existing administrator becomes a system administrator**: they keep the
  enterprises and the reference data they managed, and lose account management and the audit log until the
  operator appoints security and audit administrators (``portal admin-role EMAIL security|audit``). Separation of
  duties means those two are chosen deliberately, as different people: a migration cannot know who they are, and
  giving every former administrator all three roles would undo the separation before it began.
- ``user_account.must_change_password``: a password set by someone else is replaced at the next sign-in.
  Existing accounts are not flagged (their passwords were set before the rule).
- ``role_grant``: a request for an administrator role, a review scope or a signatory right, and the second
  security administrator's decision (CHECK constraints: nobody asks for or decides on their own grant).
- ``account_link``: one-time, expiring invitation and password-reset links (only their SHA-256 stored).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=12), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("purpose IN ('invitation', 'reset')", name=op.f('ck_account_link_purpose_known')),
    sa.CheckConstraint('length(token_hash) = 64', name=op.f('ck_account_link_token_hash_length')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_account_link_created_by_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_account_link_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_link_token_hash'))
    )
    with op.batch_alter_table('account_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_link_user_id'), ['user_id'], unique=False)

    op.create_table('role_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=10), nullable=True),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_by', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(kind = 'signatory') = (enterprise_id IS NOT NULL)", name=op.f('ck_role_grant_enterprise_iff_signatory')),
    sa.CheckConstraint("(kind = 'signatory') = (value IS NULL)", name=op.f('ck_role_grant_value_unless_signatory')),
    sa.CheckConstraint("(status = 'pending') = (decided_at IS NULL)", name=op.f('ck_role_grant_decided_unless_pending')),
    sa.CheckConstraint("kind IN ('admin_role', 'reviewer_scope', 'signatory')", name=op.f('ck_role_grant_kind_known')),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected', 'cancelled')", name=op.f('ck_role_grant_status_known')),
    sa.CheckConstraint('decided_by IS NULL OR (decided_by <> user_id AND (requested_by IS NULL OR decided_by <> requested_by))', name=op.f('ck_role_grant_second_person_decides')),
    sa.CheckConstraint('requested_by IS NULL OR requested_by <> user_id', name=op.f('ck_role_grant_not_for_oneself')),
    sa.ForeignKeyConstraint(['decided_by'], ['user_account.id'], name=op.f('fk_role_grant_decided_by_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_role_grant_enterprise_id_enterprise'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by'], ['user_account.id'], name=op.f('fk_role_grant_requested_by_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_role_grant_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_grant'))
    )
    with op.batch_alter_table('role_grant', schema=None) as batch_op:
        batch_op.create_index('ix_role_grant_status', ['status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_grant_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('admin_role', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE user_account SET admin_role = 'system' WHERE is_admin")
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_user_account_admin_role_known'),
                                         "admin_role IS NULL OR admin_role IN ('system', 'security', 'audit')")
        batch_op.drop_column('is_admin')


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_admin', sa.Boolean(), server_default=sa.false(), nullable=False))
    # Any administrator role becomes the one administrator of before (the separation is lost going back).
    op.execute("UPDATE user_account SET is_admin = (admin_role IS NOT NULL)")
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('is_admin', server_default=None)
        batch_op.drop_constraint(op.f('ck_user_account_admin_role_known'), type_='check')
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('admin_role')

    with op.batch_alter_table('role_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_grant_user_id'))
        batch_op.drop_index('ix_role_grant_status')
    op.drop_table('role_grant')
    with op.batch_alter_table('account_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_link_user_id'))
    op.drop_table('account_link')
