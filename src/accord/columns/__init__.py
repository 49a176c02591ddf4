"""Columns between the database and Polars/Arrow, for every app that moves many rows at once
(imports, rescoring, journeys, the audit trail): `reads` turns a query's rows into a Polars
frame, `writes` puts tuples and frames into tables in bulk, `arrow` reads on connections of
their own through the ADBC drivers, and `vendor` is the one place that tells PostgreSQL from
SQLite and how a moment is written and read.

The ORM builds a model instance per row; at a million rows that costs more than the database
does. Nothing here knows a domain, so it sits below every app.
"""
