"""Index the dashboard's join to each filing's current figures and the queue's sort by enterprise; re-derive facts.

The charts join ``version_metric`` on (filing_id, number = filing.current_version): a composite index
replaces the one on filing_id alone, and ``ix_filing_dashboard`` holds the filing columns every chart
reads (SQLite otherwise walks each filing's draft JSON to reach current_version). The derived tables are emptied so that ``services.version_facts``
derives every version again on the next queue or dashboard view, writing the queue summaries that
versions written outside submit() (the demo seed, scripts) never had. They are a cache of immutable
versions: nothing is lost.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 06:50:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('version_metric', schema=None) as batch_op:
        batch_op.drop_index('ix_version_metric_filing_id')
        batch_op.create_index('ix_version_metric_filing_id_number', ['filing_id', 'number'], unique=False)
    with op.batch_alter_table('filing', schema=None) as batch_op:
        batch_op.create_index('ix_filing_dashboard', ['kind', 'status', 'current_version', 'enterprise_id', 'year'],
                              unique=False)
    with op.batch_alter_table('enterprise', schema=None) as batch_op:  # the queue sorted by enterprise
        batch_op.create_index(batch_op.f('ix_enterprise_name'), ['name'], unique=False)
    op.execute('DELETE FROM version_product_metric')
    op.execute('DELETE FROM version_metric')


def downgrade():
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_name'))
    with op.batch_alter_table('filing', schema=None) as batch_op:
        batch_op.drop_index('ix_filing_dashboard')
    with op.batch_alter_table('version_metric', schema=None) as batch_op:
        batch_op.drop_index('ix_version_metric_filing_id_number')
        batch_op.create_index('ix_version_metric_filing_id', ['filing_id'], unique=False)
