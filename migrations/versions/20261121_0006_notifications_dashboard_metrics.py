"""Add notifications, the e-mail outbox and the per-version dashboard figures.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 05:52:49.787238

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    # Hand-checked autogenerate output (the date columns are the portal's aware-UTC type: DateTime(timezone=True)).
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('filing_id', sa.Integer(), nullable=True),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('message_zh', sa.Text(), nullable=False),
    sa.Column('message_en', sa.Text(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('submitted', 'returned', 'accepted', 'overdue', 'due_soon', 'reminder')", name=op.f('ck_notification_kind_known')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_notification_enterprise_id_enterprise'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['filing_id'], ['filing.id'], name=op.f('fk_notification_filing_id_filing'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('user_id', 'dedupe_key', name=op.f('uq_notification_user_id_dedupe_key'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_filing_id'), ['filing_id'], unique=False)
        batch_op.create_index('ix_notification_user_id_read_at', ['user_id', 'read_at'], unique=False)

    op.create_table('mail_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['notification_id'], ['notification.id'], name=op.f('fk_mail_outbox_notification_id_notification'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox'))
    )
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_outbox_sent_at'), ['sent_at'], unique=False)

    op.create_table('version_metric',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('filing_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('total_tco2', sa.Float(), nullable=True),
    sa.Column('carbon_intensity', sa.Float(), nullable=True),
    sa.Column('primary_product', sa.String(length=40), nullable=True),
    sa.Column('options_no_low', sa.Integer(), nullable=True),
    sa.Column('implemented_no_low', sa.Integer(), nullable=True),
    sa.Column('options_medium_high', sa.Integer(), nullable=True),
    sa.Column('implemented_medium_high', sa.Integer(), nullable=True),
    sa.Column('investment_10k_cny', sa.Float(), nullable=True),
    sa.Column('publish_due', sa.Date(), nullable=True),
    sa.Column('publish_done', sa.Date(), nullable=True),
    sa.Column('start_due', sa.Date(), nullable=True),
    sa.Column('start_done', sa.Date(), nullable=True),
    sa.Column('finish_due', sa.Date(), nullable=True),
    sa.Column('finish_done', sa.Date(), nullable=True),
    sa.Column('saving_energy_tce', sa.Float(), nullable=True),
    sa.Column('saving_water_t', sa.Float(), nullable=True),
    sa.Column('saving_co2_t', sa.Float(), nullable=True),
    sa.Column('saving_so2_t', sa.Float(), nullable=True),
    sa.Column('saving_nox_t', sa.Float(), nullable=True),
    sa.Column('saving_pm_t', sa.Float(), nullable=True),
    sa.Column('saving_vocs_t', sa.Float(), nullable=True),
    sa.Column('saving_cod_t', sa.Float(), nullable=True),
    sa.Column('saving_nh3n_t', sa.Float(), nullable=True),
    sa.Column('saving_hazardous_waste_t', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['filing_id'], ['filing.id'], name=op.f('fk_version_metric_filing_id_filing'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['filing_version.id'], name=op.f('fk_version_metric_version_id_filing_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', name=op.f('pk_version_metric'))
    )
    with op.batch_alter_table('version_metric', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_version_metric_filing_id'), ['filing_id'], unique=False)

    op.create_table('version_product_metric',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('product', sa.String(length=40), nullable=False),
    sa.Column('output', sa.Float(), nullable=True),
    sa.Column('capacity', sa.Float(), nullable=True),
    sa.Column('unit_energy', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['version_metric.version_id'], name=op.f('fk_version_product_metric_version_id_version_metric'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_version_product_metric'))
    )
    with op.batch_alter_table('version_product_metric', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_version_product_metric_product'), ['product'], unique=False)
        batch_op.create_index(batch_op.f('ix_version_product_metric_version_id'), ['version_id'], unique=False)



def downgrade():
    # Drop in the reverse order of creation.
    with op.batch_alter_table('version_product_metric', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_version_product_metric_version_id'))
        batch_op.drop_index(batch_op.f('ix_version_product_metric_product'))

    op.drop_table('version_product_metric')
    with op.batch_alter_table('version_metric', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_version_metric_filing_id'))

    op.drop_table('version_metric')
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_outbox_sent_at'))

    op.drop_table('mail_outbox')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_id_read_at')
        batch_op.drop_index(batch_op.f('ix_notification_filing_id'))

    op.drop_table('notification')
