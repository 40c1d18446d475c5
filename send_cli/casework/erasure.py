"""Erasing a closed case's personal data once its retention period is over.

The retention period (UK GDPR art. 5(1)(e), storage limitation) follows the
IRMS Information Management Toolkit for Schools, which most councils also
apply to SEN and EHC plan files: keep them until the young person's 31st
birthday, that is 6 years (the Limitation Act 1980 period for a claim) after
the 25th birthday, when an EHC plan ends at the latest. A case closed late
is also kept at least 6 years after it closed. Both are council settings
in the settings table (RETENTION_SETTINGS: 'retention_age', default 31, and
'retention_after_close_years', default 6).

What is erased: the name (replaced by '[erased]'), the date of birth, the
setting, the close reason, every free text of the case (contact summaries,
follow-up notes and reasons, decision reasons, declared interests, exception
reasons, deadline notes), and the same values in the case's earlier audit
entries. What stays: the reference, the officers, dates and outcomes, so
the council's figures (20-week timeliness, caseloads) do not change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session, col

from send_cli.errors import RuleViolation
from send_cli.rules.people import birthday
from send_cli.store.audit import record
from send_cli.store.models import (
    AuditEntry,
    Contact,
    Deadline,
    Decision,
    Declaration,
    Followup,
    Setting,
    TimeException,
)

ERASED = "[erased]"


@dataclass(frozen=True)
class SettingSpec:
    """A council setting: its CLI name, key in the settings table, default,
    meaning and range of whole numbers."""

    name: str
    key: str
    default: str
    help: str
    low: int
    high: int


RETENTION_AGE = SettingSpec(
    "retention-age", "retention_age", "31",
    "age until which a closed case's personal data is kept (IRMS: 25th birthday + 6 years)",
    18, 120)
RETENTION_AFTER_CLOSE = SettingSpec(
    "retention-after-close-years", "retention_after_close_years", "6",
    "years a closed case's personal data is kept after it closed, at least", 0, 100)
RETENTION_SETTINGS = (RETENTION_AGE, RETENTION_AFTER_CLOSE)

# Keys of audit values that hold a child's personal data or free text about it
# ("declarations": the decision's "member: interest" lines).
PERSONAL_KEYS = frozenset({"name", "child", "dob", "setting", "summary", "note", "notes",
                           "reason", "close_reason", "interest", "declarations", "detail",
                           "text", "forename", "surname", "sex", "ethnicity", "postcode",
                           "upn", "uln", "upn_unknown"})
# A free text of the case shorter than this is erased from the audit trail
# only where it is a whole value: as a part of other values it would take
# ordinary words with it ("ok" in "booked").
SHORTEST_PART = 4


def retention_end(*, dob: date | None, closed_on: date, age: int, after_close: int) -> date:
    """The first day a closed case may be erased: the later of the AGE-th
    birthday and AFTER_CLOSE years after closing (29 February -> 1 March)."""
    ends = [birthday(closed_on, after_close)]
    if dob is not None:
        ends.append(birthday(dob, age))
    return max(ends)


def _setting(session: Session, spec: SettingSpec) -> int:
    row = session.get(Setting, spec.key)
    value = row.value if row is not None else spec.default
    try:
        number = int(value)
    except ValueError:
        raise RuleViolation(f"the setting {spec.key} is '{value}', not a number",
                            hint=f"Set it again: send-cli setting set {spec.name} "
                                 f"{spec.default}") from None
    return number


@dataclass
class Erased:
    contacts: int
    followups: int
    other_texts: int
    audit_entries: int


def erase_case(*, session: Session, ref: str, actor: str, now: datetime) -> Erased:
    """Erase the personal data of the closed case REF (see the module notes).
    Refuses an open case, one already erased, and one still within its
    retention period. Error messages name only the reference."""
    from send_cli.casework.cases import get_case

    case = get_case(session, ref)
    if case.erased_at is not None:
        raise RuleViolation(f"case '{ref}' has already been erased")
    if case.status != "closed" or case.closed_on is None:
        raise RuleViolation(f"case '{ref}' is open; only a closed case can be erased",
                            hint="Close it first: send-cli case close REF --reason TEXT.")
    age = _setting(session, RETENTION_AGE)
    after_close = _setting(session, RETENTION_AFTER_CLOSE)
    end = retention_end(dob=case.dob, closed_on=case.closed_on, age=age,
                        after_close=after_close)
    if now.date() < end:
        # the date is not shown: with the age rule it would give away the birthday
        raise RuleViolation(
            f"case '{ref}' is still within its retention period (until the later of the "
            f"{_ordinal(age)} birthday and {after_close} years after closing); "
            "nothing was erased",
            hint="See 'send-cli case show REF' for its dates.")

    person = _person_of(session, case)
    personal = [v for v in (case.name, case.setting, case.close_reason,
                            case.dob.isoformat() if case.dob else None) if v]
    if person is not None:
        personal += [v for v in (person.forename, person.surname, person.postcode,
                                 person.upn, person.uln) if v and len(v) >= SHORTEST_PART]
    texts = _free_texts(session, case.id)
    secure = None
    if session.get_bind().dialect.name == "sqlite":
        # what the updates below replace is overwritten on disk, not left
        # in the free space of the file's pages
        conn = session.connection()
        secure = conn.exec_driver_sql("PRAGMA secure_delete").scalar()
        conn.exec_driver_sql("PRAGMA secure_delete = ON")
    case.name = ERASED
    case.dob = None
    case.setting = None
    case.close_reason = None
    case.erased_at = now
    session.add(case)
    if person is not None:
        _erase_person(session, person, case, now)

    def blank(model: Any, **values: Any) -> int:
        done: Any = session.execute(update(model).where(col(model.case_id) == case.id)
                                    .values(**values))
        return int(done.rowcount)

    contacts = blank(Contact, summary=ERASED)
    followups = blank(Followup, note=None, reason=None)
    others = (blank(Decision, reason=ERASED) + blank(Declaration, interest=ERASED)
              + blank(TimeException, reason=ERASED) + blank(Deadline, detail=None))
    scrubbed = _scrub_audit(session, ref, personal, texts)
    session.flush()
    if secure is not None:
        session.connection().exec_driver_sql(f"PRAGMA secure_delete = {int(secure)}")
    record(session, officer=actor, now=now, action="case.erase", entity="case",
           entity_id=ref, case_ref=ref,
           after={"erased": True, "contacts": contacts, "followups": followups,
                  "other_texts": others, "audit_entries": scrubbed})
    return Erased(contacts, followups, others, scrubbed)


def _person_of(session: Session, case: Any) -> Any:
    from send_cli.store.models import Person

    return session.get(Person, case.person_id) if case.person_id is not None else None


def _erase_person(session: Session, person: Any, case: Any, now: datetime) -> None:
    """The child's details go with their last request that is not erased;
    while another request of theirs is kept, so are they."""
    from send_cli.store.models import Case

    kept = session.scalar(select(Case.id).where(Case.person_id == person.id,
                                                Case.id != case.id,
                                                Case.erased_at.is_(None)).limit(1))
    if kept is not None:
        return
    person.forename, person.surname = "", ERASED
    person.dob = person.sex = person.ethnicity = person.postcode = None
    person.upn = person.uln = person.upn_unknown = None
    person.erased_at = now
    session.add(person)


def _free_texts(session: Session, case_id: Any) -> list[str]:
    """Every free text stored about the case, so that the audit trail's copies
    of it are found under any key (e.g. a decision's declarations)."""
    texts: list[str] = []
    for column, owner in ((Contact.summary, Contact.case_id), (Followup.note, Followup.case_id),
                          (Followup.reason, Followup.case_id), (Decision.reason, Decision.case_id),
                          (Declaration.interest, Declaration.case_id),
                          (TimeException.reason, TimeException.case_id)):
        texts += [t for t in session.execute(select(column).where(owner == case_id)
                                             .distinct()).scalars() if t and t != ERASED]
    return texts


def checkpoint(store: Any) -> bool:
    """After an erasure, copy the store's write-ahead log into the file and
    empty it, so the erased values are in neither (SQLite; a no-op elsewhere).
    False when another connection's reading kept part of the log."""
    if not store.is_sqlite:
        return True
    with store.engine.connect() as conn:
        busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
        conn.rollback()
    return busy is None or not busy[0]


def _scrub_audit(session: Session, ref: str, personal: list[str], texts: list[str]) -> int:
    """Scrub the case's audit entries: PERSONAL (its name, date of birth,
    setting) wherever they appear; its free TEXTS too, but a short one only
    as a whole value."""
    personal = personal + [t for t in texts if len(t) >= SHORTEST_PART]
    whole = frozenset(t for t in texts if len(t) < SHORTEST_PART)
    entries = session.execute(select(AuditEntry).where(col(AuditEntry.case_ref) == ref)
                              ).scalars()
    n = 0
    for entry in entries:
        before = scrub_json(entry.before, personal, whole)
        after = scrub_json(entry.after, personal, whole)
        if (before, after) != (entry.before, entry.after):
            entry.before, entry.after = before, after
            session.add(entry)
            n += 1
    return n


def scrub_json(raw: str | None, personal: list[str],
               whole: frozenset[str] = frozenset()) -> str | None:
    """An audit value with personal data replaced by '[erased]': under a
    personal key, holding one of PERSONAL, or being one of WHOLE."""
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return ERASED if raw in whole or any(p in raw for p in personal) else raw
    return json.dumps(_scrub(value, personal, whole, None), ensure_ascii=False,
                      sort_keys=True)


def _scrub(value: Any, personal: list[str], whole: frozenset[str], key: str | None) -> Any:
    if isinstance(value, dict):
        return {k: _scrub(v, personal, whole, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, personal, whole, key) for v in value]
    if value is None:
        return None
    if key in PERSONAL_KEYS:
        return ERASED
    if isinstance(value, str) and (value in whole or any(p in value for p in personal)):
        return ERASED
    return value


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
