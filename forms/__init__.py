"""WTForms classes: well-formedness and within-form consistency only — no queries, no rules."""
