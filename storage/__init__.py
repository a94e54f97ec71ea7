"""Persistence: SQLAlchemy models, Alembic migrations, queries and the search index."""
