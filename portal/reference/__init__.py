"""Reference data (factors, benchmarks, year-versioned parameters) behind the :class:`ReferenceData` protocol.

``default_reference()`` serves the data files shipped in ``portal/reference/data/`` (loaded once); the web
portal may pass a database-backed implementation of the same protocol instead.
"""

from .files import (
    FileReference,
    ParameterNotFound,
    ReferenceDataError,
    default_reference,
    parse_param_value,
)
from .types import (
    AdjustedWorkingDay,
    FuelFactor,
    Holiday,
    IndustryProducts,
    KeyCpIndustry,
    Parameter,
    ProcessFactor,
    ProductRef,
    ReferenceData,
    WorkCalendar,
)

__all__ = [
    "AdjustedWorkingDay",
    "FileReference",
    "FuelFactor",
    "Holiday",
    "IndustryProducts",
    "KeyCpIndustry",
    "Parameter",
    "ParameterNotFound",
    "ProcessFactor",
    "ProductRef",
    "ReferenceData",
    "ReferenceDataError",
    "WorkCalendar",
    "default_reference",
    "parse_param_value",
]
