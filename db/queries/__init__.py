"""Query functions, one module per entity: the only place SQL is built.

Every function takes the session first and its options as keywords after, and returns
plain rows, ORM objects or plain values. Callers import the entity module:
`from db.queries import accounts as qa`."""
