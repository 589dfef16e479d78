"""Authentication and pure permission predicates."""
