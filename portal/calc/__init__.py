"""Emission and audit arithmetic on the canonical documents — pure, no database, no Flask."""

from .ghg import compute_ghg
from .results import (
    FuelLineResult,
    GeneratingUnitResult,
    GhgComputed,
    ProcessLineResult,
    ProductResult,
)

__all__ = [
    "FuelLineResult",
    "GeneratingUnitResult",
    "GhgComputed",
    "ProcessLineResult",
    "ProductResult",
    "compute_ghg",
]
