"""Database layer: engine, ORM models and migrations. Nothing here imports streamlit."""
