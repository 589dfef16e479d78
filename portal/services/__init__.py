"""Use cases over the models. Services flush, never commit: the view or CLI command commits once."""
