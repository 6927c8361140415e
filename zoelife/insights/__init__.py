"""Manager insights: aggregates only (counts by date and category), never people or text.

`queries` groups in SQL (identical on SQLite and PostgreSQL), `impact` relates content items
to inquiries, `charts` builds the Altair specs, `export` turns them into CSV, PNG and SVG.
"""
