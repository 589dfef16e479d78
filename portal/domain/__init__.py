"""Pure domain types: the canonical documents, their codec, field metadata and findings (stdlib only)."""
