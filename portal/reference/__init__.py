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
from .types import Parameter, ReferenceData

__all__ = [
    "FileReference",
    "Parameter",
    "ParameterNotFound",
    "ReferenceData",
    "ReferenceDataError",
    "default_reference",
    "parse_param_value",
]
