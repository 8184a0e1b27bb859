"""Every model module, imported so that `Base.metadata` describes the whole archive."""

from __future__ import annotations

from . import crawl_models, models, reparse_models  # noqa: F401
from .models import Base

metadata = Base.metadata
