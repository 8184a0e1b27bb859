"""Query the archive: filters in, plain rows out (`search_items`, `show_item`, `archive_stats`)."""

from __future__ import annotations

from .filters import ItemFilter, QueryError, parse_moment
from .search import ItemRow, iter_items, search_items

__all__ = ["ItemFilter", "ItemRow", "QueryError", "iter_items", "parse_moment", "search_items"]
