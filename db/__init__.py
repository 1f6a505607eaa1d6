"""Storage layer: tables, engine, migrations and query functions. No UI here."""
