"""The developers' Alembic environment: the same one the installed package runs."""

from alembic import context

from newsarchive.store.migrate import run_environment

run_environment(context)
