"""Contacts with families and professionals."""

import datetime as dt

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class Contact(SQLModel, table=True):
    """A call, voicemail, email, letter or meeting with the family or others."""

    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_case_at", "case_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    at: dt.datetime
    channel: str = Field(max_length=16)
    direction: str = Field(max_length=8)
    party: str = Field(max_length=16)
    summary: str
    officer_id: int = Field(foreign_key="officers.id")
    created_at: dt.datetime
    # recorded in error: withdrawn (kept, shown marked in 'case show')
    withdrawn_at: dt.datetime | None = None
    withdrawn_by: str | None = Field(default=None, max_length=64)
    withdrawn_reason: str | None = None
