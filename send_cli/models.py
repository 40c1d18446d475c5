"""The tables of the store. Every schema change here needs a new Alembic
revision in migrations/versions (never edit a landed one)."""

import datetime as dt

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

OPEN_FOLLOWUP = text("done_at IS NULL")
# Partial indexes name their predicate for SQLite only: on PostgreSQL the
# migrations create them partial too (postgresql_where in 0001 and 0003), and
# Alembic does not compare predicates. Naming postgresql_where here would make
# every command import SQLAlchemy's PostgreSQL dialect (~40-90 ms) to check
# the keyword, on SQLite too.


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


class Case(SQLModel, table=True):
    """One child or young person's request for an EHC needs assessment and
    everything that follows from it."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_officer_status", "officer_id", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=64, unique=True)
    name: str
    dob: dt.date | None = None  # None once erased
    officer_id: int = Field(foreign_key="officers.id")
    received: dt.date
    requested_by: str | None = Field(default=None, max_length=32)
    setting: str | None = None
    status: str = Field(max_length=32, index=True)
    transfer_year: int | None = None
    transfer_kind: str | None = Field(default=None, max_length=16)
    closed_on: dt.date | None = None
    close_reason: str | None = None
    erased_at: dt.datetime | None = None
    created_at: dt.datetime


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


class Followup(SQLModel, table=True):
    """Something owed by a date: a call back, a reply, an outcome call..."""

    __tablename__ = "followups"
    __table_args__ = (
        Index("ix_followups_open_due", "due", sqlite_where=OPEN_FOLLOWUP),
        Index("ix_followups_open_officer", "officer_id", "due", sqlite_where=OPEN_FOLLOWUP),
        Index("ix_followups_case", "case_id", "kind"),
        # the KPIs count follow-ups due in a period and kept (covering)
        Index("ix_followups_due_done", "due", "done_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    kind: str = Field(max_length=24)
    due: dt.date
    officer_id: int = Field(foreign_key="officers.id")
    level: int = Field(default=1, sa_column_kwargs={"server_default": text("1")})
    reason: str | None = None
    contact_id: int | None = Field(default=None, foreign_key="contacts.id")
    decision_id: int | None = Field(default=None, foreign_key="decisions.id")
    referral_id: int | None = Field(default=None, foreign_key="referrals.id")
    done_at: dt.datetime | None = None
    done_by: str | None = Field(default=None, max_length=64)
    note: str | None = None
    created_at: dt.datetime


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


class CalendarDay(SQLModel, table=True):
    """A non-working weekday or holiday: a bank holiday or a council closure."""

    __tablename__ = "calendar_days"
    day: dt.date = Field(primary_key=True)
    kind: str = Field(primary_key=True, max_length=16)  # bank-holiday | closure
    name: str


class Setting(SQLModel, table=True):
    """A council setting, e.g. the review interval for under-fives."""

    __tablename__ = "settings"
    key: str = Field(primary_key=True, max_length=64)
    value: str


class Panel(SQLModel, table=True):
    """A decision-making panel, with its cadence and outcome promise."""

    __tablename__ = "panels"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    name: str
    cadence: str = Field(max_length=16)
    outcome_days: int = Field(default=5, sa_column_kwargs={"server_default": text("5")})
    outcome_working_days: bool = Field(
        default=True, sa_column_kwargs={"server_default": text("true")}
    )
    outcome_email: bool = Field(default=True, sa_column_kwargs={"server_default": text("true")})
    outcome_by: str = Field(default="casework officer")
    created_at: dt.datetime


class PanelRemit(SQLModel, table=True):
    """A request type a panel considers."""

    __tablename__ = "panel_remits"
    panel_id: int = Field(foreign_key="panels.id", primary_key=True)
    request: str = Field(primary_key=True, max_length=32)


class Meeting(SQLModel, table=True):
    """One meeting of a panel."""

    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("panel_id", "date", name="uq_meetings_panel_date"),)
    id: int | None = Field(default=None, primary_key=True)
    panel_id: int = Field(foreign_key="panels.id")
    date: dt.date = Field(index=True)
    time: str = Field(default="10:00", max_length=5)
    moved_from: dt.date | None = None
    cancelled: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    created_at: dt.datetime


class Referral(SQLModel, table=True):
    """A case on a meeting's agenda for one request type."""

    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint("meeting_id", "case_id", "request", name="uq_referrals_item"),
        Index("ix_referrals_case", "case_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id")
    case_id: int = Field(foreign_key="cases.id")
    request: str = Field(max_length=32)
    officer_id: int = Field(foreign_key="officers.id")
    papers_due: dt.date
    papers_received: dt.date | None = None
    created_at: dt.datetime


class Declaration(SQLModel, table=True):
    """A panel member's declared interest in a case at one meeting."""

    __tablename__ = "declarations"
    __table_args__ = (Index("ix_declarations_meeting_case", "meeting_id", "case_id"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id")
    case_id: int = Field(foreign_key="cases.id")
    member: str
    interest: str
    created_at: dt.datetime


class Decision(SQLModel, table=True):
    """What a panel decided on one agenda item, and why."""

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_case", "case_id"),)
    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referrals.id", unique=True)
    case_id: int = Field(foreign_key="cases.id")
    meeting_id: int = Field(foreign_key="meetings.id")
    outcome: str = Field(max_length=16)
    reason: str
    revisit_by: dt.date | None = None
    chair: str | None = None
    decided_at: dt.datetime


class Milestone(SQLModel, table=True):
    """A statutory step reached on a case (assessment decision, final plan...)."""

    __tablename__ = "milestones"
    __table_args__ = (Index("ix_milestones_case", "case_id", "on"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    kind: str = Field(max_length=32)
    on: dt.date
    outcome: str | None = Field(default=None, max_length=16)
    created_at: dt.datetime


class AdviceRequest(SQLModel, table=True):
    """Advice asked of a professional during an assessment (due in 6 weeks)."""

    __tablename__ = "advice_requests"
    __table_args__ = (Index("ix_advice_requests_case", "case_id"),
                      Index("ix_advice_requests_received", "received"))
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    source: str = Field(max_length=32)
    requested: dt.date
    received: dt.date | None = None
    created_at: dt.datetime


class TimeException(SQLModel, table=True):
    """A statutory exception to the time limits (reg 10(4)(a)-(d))."""

    __tablename__ = "exceptions"
    __table_args__ = (Index("ix_exceptions_case", "case_id"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    code: str = Field(max_length=1)
    reason: str
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    created_at: dt.datetime


class Appeal(SQLModel, table=True):
    """A family's disagreement with a decision and its appeal window."""

    __tablename__ = "appeals"
    __table_args__ = (Index("ix_appeals_case", "case_id"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    decision_sent: dt.date
    certificate: dt.date | None = None
    registered: dt.date | None = None
    created_at: dt.datetime


class Deadline(SQLModel, table=True):
    """A statutory clock of a case, recomputed whenever the case changes, so
    reports filter on an indexed date instead of recomputing every case."""

    __tablename__ = "deadlines"
    __table_args__ = (
        Index("ix_deadlines_open_due", "due", sqlite_where=text("met_on IS NULL")),
        Index("ix_deadlines_case", "case_id"),
        # the KPIs count clocks met, or due, in a period (covering indexes)
        Index("ix_deadlines_milestone_met", "milestone", "met_on", "due", "start", "case_id"),
        Index("ix_deadlines_milestone_due", "milestone", "due", "met_on"),
    )
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    milestone: str = Field(max_length=32)
    start: dt.date
    due: dt.date
    basis: str
    met_on: dt.date | None = None
    detail: str | None = None
