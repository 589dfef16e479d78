"""Verification (核查) and evidence attachments (issue 18 items 1 and 2).

- ``verification_body`` (核查机构) and ``verifier_staff`` (its users: the verifier role, granted through
  ``role_grant`` kind ``verifier`` with the body's id as the value, approved by a second security administrator);
- ``verification_engagement``: a reviewer engages a body for filings of a year; ``verification``: one per filing,
  with the checklist, conclusion, verified total (审定排放量) and the regulator's acceptance;
- ``verification_finding``: 不符合项 per field, the evidence cited and the enterprise's response;
- ``attachment``: evidence files in the object store, frozen with the first version submitted after them.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-07 00:00:00

"""
import sqlalchemy as sa
from alembic import op

OLD_GRANT_KINDS = "kind IN ('admin_role', 'reviewer_scope', 'signatory')"
NEW_GRANT_KINDS = "kind IN ('admin_role', 'reviewer_scope', 'signatory', 'verifier')"


def _grant_kinds(check):
    with op.batch_alter_table("role_grant", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_role_grant_kind_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_role_grant_kind_known"), check)


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    _grant_kinds(NEW_GRANT_KINDS)
    op.create_table('verification_body',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint('uscc IS NULL OR length(uscc) = 18', name=op.f('ck_verification_body_uscc_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_body')),
    sa.UniqueConstraint('name', name=op.f('uq_verification_body_name')),
    sa.UniqueConstraint('uscc', name=op.f('uq_verification_body_uscc'))
    )
    op.create_table('verification_engagement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('region_scope', sa.String(length=6), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint('length(region_scope) IN (2, 4, 6)', name=op.f('ck_verification_engagement_region_scope_length')),
    sa.CheckConstraint('year BETWEEN 2000 AND 2100', name=op.f('ck_verification_engagement_year_range')),
    sa.ForeignKeyConstraint(['body_id'], ['verification_body.id'], name=op.f('fk_verification_engagement_body_id_verification_body'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_verification_engagement_created_by_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_engagement'))
    )
    with op.batch_alter_table('verification_engagement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verification_engagement_body_id'), ['body_id'], unique=False)

    op.create_table('verifier_staff',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['verification_body.id'], name=op.f('fk_verifier_staff_body_id_verification_body'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_verifier_staff_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_verifier_staff'))
    )
    with op.batch_alter_table('verifier_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verifier_staff_body_id'), ['body_id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filing_id', sa.Integer(), nullable=False),
    sa.Column('target_type', sa.String(length=10), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('scan_result', sa.String(length=12), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=True),
    sa.CheckConstraint("scan_result IN ('clean', 'not_scanned')", name=op.f('ck_attachment_scan_result_known')),
    sa.CheckConstraint("target_type = 'filing' OR length(target) > 0", name=op.f('ck_attachment_target_named')),
    sa.CheckConstraint("target_type IN ('filing', 'section', 'line')", name=op.f('ck_attachment_target_type_known')),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_attachment_sha256_length')),
    sa.CheckConstraint('size >= 0', name=op.f('ck_attachment_size_non_negative')),
    sa.ForeignKeyConstraint(['filing_id'], ['filing.id'], name=op.f('fk_attachment_filing_id_filing'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['storage_key'], ['stored_object.key'], name=op.f('fk_attachment_storage_key_stored_object'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_attachment_uploaded_by_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index('ix_attachment_filing_version', ['filing_id', 'version_number'], unique=False)

    op.create_table('verification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('filing_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('checklist_json', sa.Text(), nullable=False),
    sa.Column('conclusion', sa.Text(), nullable=True),
    sa.Column('version_number', sa.Integer(), nullable=True),
    sa.Column('reported_tco2', sa.BigInteger(), nullable=True),
    sa.Column('verified_tco2', sa.BigInteger(), nullable=True),
    sa.Column('concluded_by_id', sa.Integer(), nullable=True),
    sa.Column('concluded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('report_job_id', sa.Integer(), nullable=True),
    sa.Column('report_key', sa.String(length=200), nullable=True),
    sa.CheckConstraint("(status = 'accepted') = (accepted_at IS NOT NULL)", name=op.f('ck_verification_accepted_at_iff_accepted')),
    sa.CheckConstraint("(status = 'open') = (concluded_at IS NULL)", name=op.f('ck_verification_concluded_at_iff_concluded')),
    sa.CheckConstraint("status = 'open' OR (verified_tco2 IS NOT NULL AND version_number IS NOT NULL)", name=op.f('ck_verification_concluded_with_total')),
    sa.CheckConstraint("status IN ('open', 'concluded', 'accepted')", name=op.f('ck_verification_status_known')),
    sa.CheckConstraint('verified_tco2 IS NULL OR verified_tco2 >= 0', name=op.f('ck_verification_verified_non_negative')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['user_account.id'], name=op.f('fk_verification_accepted_by_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['concluded_by_id'], ['user_account.id'], name=op.f('fk_verification_concluded_by_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['engagement_id'], ['verification_engagement.id'], name=op.f('fk_verification_engagement_id_verification_engagement'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['filing_id'], ['filing.id'], name=op.f('fk_verification_filing_id_filing'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['report_job_id'], ['job.id'], name=op.f('fk_verification_report_job_id_job'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_key'], ['stored_object.key'], name=op.f('fk_verification_report_key_stored_object'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification')),
    sa.UniqueConstraint('filing_id', name=op.f('uq_verification_filing_id'))
    )
    with op.batch_alter_table('verification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verification_engagement_id'), ['engagement_id'], unique=False)

    op.create_table('verification_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('verification_id', sa.Integer(), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('field_path', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('response', sa.Text(), nullable=True),
    sa.Column('responded_by_id', sa.Integer(), nullable=True),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name=op.f('ck_verification_finding_closed_at_iff_closed')),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_verification_finding_status_known')),
    sa.CheckConstraint('(response IS NULL) = (responded_at IS NULL)', name=op.f('ck_verification_finding_responded_at_iff_response')),
    sa.CheckConstraint('version_number >= 1', name=op.f('ck_verification_finding_version_positive')),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], name=op.f('fk_verification_finding_attachment_id_attachment'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['raised_by_id'], ['user_account.id'], name=op.f('fk_verification_finding_raised_by_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['responded_by_id'], ['user_account.id'], name=op.f('fk_verification_finding_responded_by_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['verification_id'], ['verification.id'], name=op.f('fk_verification_finding_verification_id_verification'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_finding'))
    )
    with op.batch_alter_table('verification_finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verification_finding_verification_id'), ['verification_id'], unique=False)



def downgrade():
    op.execute("DELETE FROM role_grant WHERE kind = 'verifier'")
    _grant_kinds(OLD_GRANT_KINDS)
    with op.batch_alter_table('verification_finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verification_finding_verification_id'))

    op.drop_table('verification_finding')
    with op.batch_alter_table('verification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verification_engagement_id'))

    op.drop_table('verification')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index('ix_attachment_filing_version')

    op.drop_table('attachment')
    with op.batch_alter_table('verifier_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verifier_staff_body_id'))

    op.drop_table('verifier_staff')
    with op.batch_alter_table('verification_engagement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verification_engagement_body_id'))

    op.drop_table('verification_engagement')
    op.drop_table('verification_body')
