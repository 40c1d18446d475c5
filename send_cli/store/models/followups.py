"""Follow-ups: what is owed to a family, and by when."""

import datetime as dt

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

OPEN_FOLLOWUP = text("done_at IS NULL")


class Followup(SQLModel, table=True):
    """Something owed by a date: a call back, a reply, an outcome call..."""

    __tablename__ = "followups"
    __table_args__ = (
        Index("ix_followups_open_due", "due", sqlite_where=OPEN_FOLLOWUP),
        Index("ix_followups_open_officer", "officer_id", "due", sqlite_where=OPEN_FOLLOWUP),
        Index("ix_followups_case", "case_id", "kind"),
        Index("ix_followups_open_kind", "kind", "due", sqlite_where=OPEN_FOLLOWUP),
    )
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    kind: str = Field(max_length=24)
    due: dt.date
    officer_id: int = Field(foreign_key="officers.id")
    # the away officer whose promise the cover (officer_id) holds
    for_officer_id: int | None = Field(default=None, foreign_key="officers.id")
    level: int = Field(default=1, sa_column_kwargs={"server_default": text("1")})
    reason: str | None = None
    contact_id: int | None = Field(default=None, foreign_key="contacts.id")
    decision_id: int | None = Field(default=None, foreign_key="decisions.id")
    referral_id: int | None = Field(default=None, foreign_key="referrals.id")
    done_at: dt.datetime | None = None
    done_by: str | None = Field(default=None, max_length=64)
    note: str | None = None
    created_at: dt.datetime
