"""The declarative base every table derives from, and `table_of` for Core statements."""

from __future__ import annotations

import typing
from datetime import datetime
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import DeclarativeBase

from masterpath.store.db import JsonType, UTCDateTime


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JsonType}


def table_of(model: Any) -> Table:
    """A model's table, for Core statements built once (the hot paths')."""
    return typing.cast(Table, model.__table__)
