"""Storage: SQLAlchemy 2 and Alembic. The only package that imports SQLAlchemy."""

from masterpath.store.db import Database, Tx, make_database

__all__ = ["Database", "Tx", "make_database"]
