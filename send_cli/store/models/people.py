"""The casework team."""

import datetime as dt

from sqlalchemy import text
from sqlmodel import Field, SQLModel


class Officer(SQLModel, table=True):
    """A member of the casework team; kept, inactive, after leaving."""

    __tablename__ = "officers"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str
    email: str
    team: str = Field(max_length=32)
    role: str = Field(max_length=32)
    active: bool = Field(default=True, sa_column_kwargs={"server_default": text("true")})
    left_on: dt.date | None = None
    created_at: dt.datetime
    # the login the officer runs send-cli as (team stores); admin: may manage
    # officers, settings, erasure and restores
    login: str | None = Field(default=None, max_length=64, unique=True, index=True)
    admin: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
