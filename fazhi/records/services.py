"""records: read-only helpers live on models; imports change records (see fazhi.exchange)."""
