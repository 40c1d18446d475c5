"""The audit trail."""

import datetime as dt

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class AuditEntry(SQLModel, table=True):
    """Who changed what, when, with the values before and after (JSON)."""

    __tablename__ = "audit"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(index=True)
    officer: str = Field(max_length=64)
    action: str = Field(max_length=48)
    entity: str = Field(max_length=32)
    entity_id: str | None = Field(default=None, max_length=64)
    case_ref: str | None = Field(default=None, max_length=64, index=True)
    before: str | None = Field(default=None, sa_column=Column(Text))
    after: str | None = Field(default=None, sa_column=Column(Text))
    # the login that acted: the operating-system user (SQLite) or the role
    # that connected (PostgreSQL, written by a trigger); empty before 0006
    login: str | None = Field(default=None, max_length=64)
    # SQLite: SHA-256 over this entry and the seal before it (the chain
    # 'db check' verifies); empty on PostgreSQL, where the table is append-only
    seal: str | None = Field(default=None, max_length=64)
