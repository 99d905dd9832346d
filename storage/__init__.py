"""Persistence: SQLModel tables, the async engine, repositories, files, seed data, migrations."""
