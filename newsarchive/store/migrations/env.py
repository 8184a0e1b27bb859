"""Alembic environment of the installed package; the logic lives in `newsarchive.store.migrate`."""

from alembic import context

from newsarchive.store.migrate import run_environment

run_environment(context)
