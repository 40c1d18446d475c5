"""Alembic environment for send-cli: batch mode for SQLite, the models'
naming convention, and plain SQLAlchemy types in generated scripts."""

from __future__ import annotations

import logging.config
from typing import Any

import sqlalchemy as sa
from alembic import context
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

from send_cli.store.models import load_all

load_all()  # every table on the metadata, for autogenerate and drift checks

config = context.config
if config.config_file_name and config.file_config.has_section("loggers"):
    logging.config.fileConfig(config.config_file_name)

target_metadata = SQLModel.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Render SQLModel's AutoString as sa.String so revisions need no sqlmodel."""
    if type_ == "type" and type(obj).__name__ == "AutoString":
        length = getattr(obj, "length", None)
        return f"sa.String(length={length})" if length else "sa.String()"
    if type_ == "type" and type(obj).__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
    )


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    if isinstance(given, Connection):
        _configure(given)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = given if isinstance(given, Engine) else sa.create_engine(
        config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, render_as_batch=True,
                      literal_binds=True, render_item=render_item)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
