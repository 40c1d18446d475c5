"""The tables of the store. Every schema change here needs a new Alembic
revision in migrations/versions (never edit a landed one).

The SQLModel classes live in the modules of this package, a module to a
group of tables, and are built on first use: `from send_cli.store.models import
Case, Followup` builds those two and no others. Building all twenty costs
about a fifth of importing SQLModel itself, and a report needs three or four
(a read command at most 1.25x `import sqlmodel, holidays`).

load_all() builds every table, for Alembic's env.py and `db copy`. A write
session calls load_referred() before each flush: SQLAlchemy sorts a flush by
the foreign keys of the tables it knows, and a foreign key naming a table
that was never built cannot be sorted, so every table a built one refers to
is built too (logging a contact builds 15 of the 26). Reads need only the
tables they select from (a join with an explicit ON clause never looks at
other foreign keys).
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
    "StageMonth": "kpi",
    "ForecastRequest": "kpi",
    "AdviceOwed": "kpi",
    "StoreCount": "kpi",
    "Person": "persons",
    "Placement": "persons",
}

# table -> the module of this package that defines it
TABLES = {
    "officers": "people",
    "cases": "cases",
    "contacts": "contacts",
    "followups": "followups",
    "audit": "audit",
    "calendar_days": "calendar",
    "settings": "calendar",
    "panels": "panels",
    "panel_remits": "panels",
    "meetings": "panels",
    "referrals": "agenda",
    "declarations": "agenda",
    "decisions": "agenda",
    "milestones": "milestones",
    "appeals": "milestones",
    "deadlines": "clocks",
    "exceptions": "clocks",
    "advice_requests": "clocks",
    "kpi_days": "kpi",
    "officer_caseloads": "kpi",
    "stage_days": "kpi",
    "stage_months": "kpi",
    "forecast_requests": "kpi",
    "advice_owed": "kpi",
    "store_counts": "kpi",
    "persons": "persons",
    "placements": "persons",
}

__all__ = ["SQLModel", "load_all", "load_referred", *WHERE]


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


def load_referred() -> None:
    """Build every table that a built table refers to, and so on, until no
    foreign key names a table that is not built."""
    tables = SQLModel.metadata.tables
    while True:
        missing = {fk.target_fullname.split(".")[0] for table in list(tables.values())
                   for fk in table.foreign_keys} - set(tables)
        if not missing:
            return
        for name in missing:
            importlib.import_module(f"{__name__}.{TABLES[name]}")


if TYPE_CHECKING:
    from send_cli.store.models.agenda import Decision, Declaration, Referral  # noqa: F401
    from send_cli.store.models.audit import AuditEntry  # noqa: F401
    from send_cli.store.models.calendar import CalendarDay, Setting  # noqa: F401
    from send_cli.store.models.cases import Case  # noqa: F401
    from send_cli.store.models.clocks import AdviceRequest, Deadline, TimeException  # noqa: F401
    from send_cli.store.models.contacts import Contact  # noqa: F401
    from send_cli.store.models.followups import OPEN_FOLLOWUP, Followup  # noqa: F401
    from send_cli.store.models.kpi import (  # noqa: F401
        ForecastRequest,
        KpiDay,
        OfficerCaseload,
        StageDay,
    )
    from send_cli.store.models.milestones import Appeal, Milestone  # noqa: F401
    from send_cli.store.models.panels import Meeting, Panel, PanelRemit  # noqa: F401
    from send_cli.store.models.people import Officer  # noqa: F401
    from send_cli.store.models.persons import Person, Placement  # noqa: F401
