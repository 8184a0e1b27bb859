"""The archive's public facade: `open_archive(db) -> Archive`."""

from __future__ import annotations

from sqlalchemy import Engine

from .db import make_engine, write_transaction
from .migrate import archive_state, current_revisions, upgrade


class Archive:
    """An open archive. Use as a context manager, or call `close()`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def revisions(self) -> tuple[str, ...]:
        with self.engine.connect() as connection:
            return current_revisions(connection)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_archive(db: str, *, upgrade_to_heads: bool = False) -> Archive:
    """Open the archive `db` (a SQLite path or a SQLAlchemy URL).

    A new, empty archive is created (migrated to the newest schema). An archive at a revision
    newer than this tool raises ArchiveError and is not touched; an older one raises ArchiveError
    asking for `newsarchive db upgrade`, unless `upgrade_to_heads` is true.
    """
    from .db import ArchiveError

    engine = make_engine(db)
    try:
        with write_transaction(engine) as connection:
            state = archive_state(connection)
            if state == "empty" or (state == "behind" and upgrade_to_heads):
                upgrade(connection)
            elif state == "behind":
                raise ArchiveError(
                    "the archive's schema is older than this newsarchive; "
                    "run `newsarchive db upgrade` first"
                )
    except Exception:
        engine.dispose()
        raise
    return Archive(engine)
