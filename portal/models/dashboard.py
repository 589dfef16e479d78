"""Figures extracted once from each submitted version, so the dashboard aggregates in SQL.

A version is immutable, so its row here never goes stale; the dashboard service fills in the rows of
versions that have none (``services.version_facts.refresh``) and then only runs GROUP BY queries —
never parsing thousands of JSON documents per request (issue 8, dashboard under 200 ms).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .columns import filing_ref
from .filings import filing_index


class VersionMetric(Model):
    """Hold one version's headline figures: GHG totals, or an audit's options, deadlines and savings.

    Floats, not decimals: these are display aggregates; the version's own JSON stays the record.
    """

    __tablename__ = "version_metric"
    # Every chart joins a filing to the figures of its current version: (filing_id, number) is that join.
    __table_args__ = (Index("ix_version_metric_filing_id_number", "filing_id", "number"),)

    version_id: Mapped[int] = mapped_column(ForeignKey("filing_version.id", ondelete="CASCADE"), primary_key=True)
    filing_id: Mapped[int] = filing_ref("CASCADE")
    number: Mapped[int] = mapped_column(Integer)
    # GHG annual report
    total_tco2: Mapped[float | None] = mapped_column(Float)
    carbon_intensity: Mapped[float | None] = mapped_column(Float)
    primary_product: Mapped[str | None] = mapped_column(String(40))
    # Clean-production audit: options not dropped and implemented, per cost class
    options_no_low: Mapped[int | None] = mapped_column(Integer)
    implemented_no_low: Mapped[int | None] = mapped_column(Integer)
    options_medium_high: Mapped[int | None] = mapped_column(Integer)
    implemented_medium_high: Mapped[int | None] = mapped_column(Integer)
    investment_10k_cny: Mapped[float | None] = mapped_column(Float)
    # Deadlines from listed_on (mandatory audits, reference-data.md §5) and when each step was done
    publish_due: Mapped[dt.date | None] = mapped_column(Date)
    publish_done: Mapped[dt.date | None] = mapped_column(Date)
    start_due: Mapped[dt.date | None] = mapped_column(Date)
    start_done: Mapped[dt.date | None] = mapped_column(Date)
    finish_due: Mapped[dt.date | None] = mapped_column(Date)
    finish_done: Mapped[dt.date | None] = mapped_column(Date)
    # Annual savings of implemented options (the co-benefit table: CO2 beside the pollutants)
    saving_energy_tce: Mapped[float | None] = mapped_column(Float)
    saving_water_t: Mapped[float | None] = mapped_column(Float)
    saving_co2_t: Mapped[float | None] = mapped_column(Float)
    saving_so2_t: Mapped[float | None] = mapped_column(Float)
    saving_nox_t: Mapped[float | None] = mapped_column(Float)
    saving_pm_t: Mapped[float | None] = mapped_column(Float)
    saving_vocs_t: Mapped[float | None] = mapped_column(Float)
    saving_cod_t: Mapped[float | None] = mapped_column(Float)
    saving_nh3n_t: Mapped[float | None] = mapped_column(Float)
    saving_hazardous_waste_t: Mapped[float | None] = mapped_column(Float)


class VersionProductMetric(Model):
    """Hold one product line of a GHG version: output, capacity and unit energy (kgce per unit)."""

    __tablename__ = "version_product_metric"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("version_metric.version_id", ondelete="CASCADE"), index=True
    )
    product: Mapped[str] = mapped_column(String(40), index=True)
    output: Mapped[float | None] = mapped_column(Float)
    capacity: Mapped[float | None] = mapped_column(Float)
    unit_energy: Mapped[float | None] = mapped_column(Float)


# Every chart filters filings by kind and status and joins their current version's figures: with these
# columns in one index SQLite never reads a filing's row, whose current_version lies past the large draft
# JSON (overflow pages), and PostgreSQL can narrow to one kind's decided filings. Declared beside the figures.
filing_index("ix_filing_dashboard", "kind", "status", "current_version", "enterprise_id", "year")
