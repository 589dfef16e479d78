"""The regulator's tools and registers (issue 18 items 3–5).

- ``filing.assigned_to_id``: the reviewer a filing is assigned to (the queue's "mine").
- ``deadline_extension``: a due date extended for one enterprise's (kind, year), with the reason; GHG-014
  and the queue read it for that enterprise only.
- ``credit_rating``: the 环保信用评价 grade of an enterprise and year, entered or imported by regulators.
- ``master_data_request``: a filer's request to change the registered name, USCC, region or industry,
  decided by a reviewer of the enterprise's region.

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-06 23:54:56.727974

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('credit_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=10), nullable=False),
    sa.Column('issuer', sa.String(length=200), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
    sa.CheckConstraint("grade IN ('green', 'blue', 'yellow', 'red', 'black')", name=op.f('ck_credit_rating_grade_known')),
    sa.CheckConstraint("source IN ('entered', 'imported')", name=op.f('ck_credit_rating_source_known')),
    sa.CheckConstraint('year BETWEEN 2000 AND 2100', name=op.f('ck_credit_rating_year_range')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user_account.id'], name=op.f('fk_credit_rating_entered_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_credit_rating_enterprise_id_enterprise'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_rating')),
    sa.UniqueConstraint('enterprise_id', 'year', name=op.f('uq_credit_rating_enterprise_id_year'))
    )
    with op.batch_alter_table('credit_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_rating_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('deadline_extension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
    sa.CheckConstraint("kind IN ('ghg_annual_report', 'clean_production_audit')", name=op.f('ck_deadline_extension_kind_known')),
    sa.CheckConstraint('length(reason) > 0', name=op.f('ck_deadline_extension_reason_given')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_deadline_extension_enterprise_id_enterprise'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['granted_by_id'], ['user_account.id'], name=op.f('fk_deadline_extension_granted_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_extension')),
    sa.UniqueConstraint('enterprise_id', 'kind', 'year', name=op.f('uq_deadline_extension_enterprise_id_kind_year'))
    )
    with op.batch_alter_table('deadline_extension', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_extension_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('master_data_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('changes_json', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(status = 'pending') = (decided_at IS NULL)", name=op.f('ck_master_data_request_decided_unless_pending')),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name=op.f('ck_master_data_request_status_known')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_master_data_request_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_master_data_request_enterprise_id_enterprise'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_master_data_request_requested_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_master_data_request'))
    )
    with op.batch_alter_table('master_data_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_master_data_request_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index('ix_master_data_request_status', ['status', 'id'], unique=False)

    with op.batch_alter_table('filing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assigned_to_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_filing_assigned_to_id'), ['assigned_to_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_filing_assigned_to_id_user_account'), 'user_account', ['assigned_to_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('filing', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_filing_assigned_to_id_user_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_filing_assigned_to_id'))
        batch_op.drop_column('assigned_to_id')

    with op.batch_alter_table('master_data_request', schema=None) as batch_op:
        batch_op.drop_index('ix_master_data_request_status')
        batch_op.drop_index(batch_op.f('ix_master_data_request_enterprise_id'))

    op.drop_table('master_data_request')
    with op.batch_alter_table('deadline_extension', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadline_extension_enterprise_id'))

    op.drop_table('deadline_extension')
    with op.batch_alter_table('credit_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_rating_enterprise_id'))

    op.drop_table('credit_rating')
