"""Environmental information disclosure on the web (issue 17 part 2).

- ``filing.kind`` admits the two disclosure kinds, ``env_disclosure_annual_report`` and ``env_disclosure_adhoc``.
- ``filing.doc_key`` tells apart an enterprise's ad-hoc disclosures of one year (the legal document's number);
  "" for every other filing, so the one-filing-per-(enterprise, kind, year) rule stands for them.

SQLite rebuilds the table to change a CHECK or UNIQUE constraint (batch mode): run it on an embedded
database without other connections.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 00:00:00

"""
import sqlalchemy as sa
from alembic import op

OLD_KINDS = "kind IN ('ghg_annual_report', 'clean_production_audit')"
NEW_KINDS = ("kind IN ('ghg_annual_report', 'clean_production_audit', 'env_disclosure_annual_report', "
             "'env_disclosure_adhoc')")

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("filing", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_filing_kind_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_filing_kind_known"), NEW_KINDS)
        batch_op.add_column(sa.Column("doc_key", sa.String(length=100), server_default="", nullable=False))
        batch_op.drop_constraint(batch_op.f("uq_filing_enterprise_id_kind_year"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_filing_enterprise_id_kind_year_doc_key"),
                                          ["enterprise_id", "kind", "year", "doc_key"])


def downgrade():
    # Refused by the database while disclosure filings exist: they would break the narrower CHECK.
    with op.batch_alter_table("filing", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_filing_enterprise_id_kind_year_doc_key"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_filing_enterprise_id_kind_year"),
                                          ["enterprise_id", "kind", "year"])
        batch_op.drop_column("doc_key")
        batch_op.drop_constraint(batch_op.f("ck_filing_kind_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_filing_kind_known"), OLD_KINDS)
