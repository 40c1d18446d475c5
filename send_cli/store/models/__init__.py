"""The tables of the store. Every schema change here needs a new Alembic
revision in migrations/versions (never edit a landed one).

The SQLModel classes live in the modules of this package, a module to a
group of tables, and are built on first use: `from send_cli.store.models import
Case, Followup` builds those two and no others. Building all twenty costs
about a fifth of importing SQLModel itself, and a report needs three or four
(a read command at most 1.25x `import sqlmodel, holidays`).

load_all() builds every table. Alembic's env.py, `db copy` and every write
session call it: SQLAlchemy sorts a flush by the foreign keys of all the
tables it knows, and a foreign key naming a table that was never built
cannot be sorted. Reads need only the tables they select from (a join with
an explicit ON clause never looks at other foreign keys).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sqlmodel import SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# Partial indexes name their predicate for SQLite only: on PostgreSQL the
# migrations create them partial too (postgresql_where in 0001 and 0003), and
# Alembic does not compare predicates. Naming postgresql_where here would make
# every command import SQLAlchemy's PostgreSQL dialect (~40-90 ms) to check
# the keyword, on SQLite too.

# class name -> the module of this package that defines it
WHERE = {
    "Officer": "people",
    "Case": "cases",
    "Contact": "contacts",
    "Followup": "followups",
    "OPEN_FOLLOWUP": "followups",
    "AuditEntry": "audit",
    "CalendarDay": "calendar",
    "Setting": "calendar",
    "Panel": "panels",
    "PanelRemit": "panels",
    "Meeting": "panels",
    "Referral": "agenda",
    "Declaration": "agenda",
    "Decision": "agenda",
    "Milestone": "milestones",
    "Appeal": "milestones",
    "Deadline": "clocks",
    "TimeException": "clocks",
    "AdviceRequest": "clocks",
    "KpiDay": "kpi",
    "OfficerCaseload": "kpi",
    "StageDay": "kpi",
    "Person": "persons",
    "Placement": "persons",
}

__all__ = ["SQLModel", "load_all", *WHERE]


def __getattr__(name: str) -> Any:
    module = WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def load_all() -> None:
    """Build every table, so SQLModel.metadata holds the whole schema."""
    for module in dict.fromkeys(WHERE.values()):
        importlib.import_module(f"{__name__}.{module}")


if TYPE_CHECKING:
    from send_cli.store.models.agenda import Decision, Declaration, Referral  # noqa: F401
    from send_cli.store.models.audit import AuditEntry  # noqa: F401
    from send_cli.store.models.calendar import CalendarDay, Setting  # noqa: F401
    from send_cli.store.models.cases import Case  # noqa: F401
    from send_cli.store.models.clocks import AdviceRequest, Deadline, TimeException  # noqa: F401
    from send_cli.store.models.contacts import Contact  # noqa: F401
    from send_cli.store.models.followups import OPEN_FOLLOWUP, Followup  # noqa: F401
    from send_cli.store.models.kpi import KpiDay, OfficerCaseload, StageDay  # noqa: F401
    from send_cli.store.models.milestones import Appeal, Milestone  # noqa: F401
    from send_cli.store.models.panels import Meeting, Panel, PanelRemit  # noqa: F401
    from send_cli.store.models.people import Officer  # noqa: F401
    from send_cli.store.models.persons import Person, Placement  # noqa: F401
