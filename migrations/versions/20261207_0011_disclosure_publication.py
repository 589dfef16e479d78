"""Environmental information disclosure on the web (issue 17 part 2): ``filing.kind`` admits the two
disclosure kinds, ``env_disclosure_annual_report`` and ``env_disclosure_adhoc``.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 00:00:00

"""
from alembic import op

OLD_KINDS = "kind IN ('ghg_annual_report', 'clean_production_audit')"
NEW_KINDS = ("kind IN ('ghg_annual_report', 'clean_production_audit', 'env_disclosure_annual_report', "
             "'env_disclosure_adhoc')")

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def _filing_kinds(check):
    with op.batch_alter_table("filing", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_filing_kind_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_filing_kind_known"), check)


def upgrade():
    _filing_kinds(NEW_KINDS)


def downgrade():
    # Refused by the database while disclosure filings exist: they would break the narrower CHECK.
    _filing_kinds(OLD_KINDS)
