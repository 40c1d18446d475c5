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
from send_cli.rules.retention import (  # noqa: F401  (named here too)
    RETENTION_AFTER_CLOSE,
    RETENTION_AGE,
    RETENTION_SETTINGS,
    SettingSpec,
)
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


def erase_case(*, session: Session, ref: str, actor: str, now: datetime,
               again: bool = False) -> Erased:
    """Erase the personal data of the closed case REF (see the module notes).
    Refuses an open case, one already erased, and one still within its
    retention period. Error messages name only the reference. AGAIN: a
    restore re-applies an erasure the store had recorded (the backup may
    hold the case before it closed); no rule is checked again."""
    from send_cli.casework.cases import get_case

    case = get_case(session, ref)
    if case.erased_at is not None:
        raise RuleViolation(f"case '{ref}' has already been erased")
    if again:
        return _erase(session, case, ref, actor=actor, now=now, action="case.erase-again")
    _check_seals(session)
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
    return _erase(session, case, ref, actor=actor, now=now, action="case.erase")


def _check_seals(session: Session) -> None:
    """An erasure seals the audit trail again from the first entry it
    rewrites: refused when the trail already fails its check, so that an
    entry changed by hand is not sealed over (SQLite)."""
    if session.get_bind().dialect.name != "sqlite":
        return
    from send_cli.store.identity import chain_rows_sql, check_chain

    found = check_chain(session.connection().exec_driver_sql(chain_rows_sql()))
    if found.first_bad is not None:
        raise RuleViolation(f"the audit trail fails its check at entry {found.first_bad}; "
                            "nothing was erased",
                            hint="Run 'send-cli db check' and tell the store's admin.")


def _erase(session: Session, case: Any, ref: str, *, actor: str, now: datetime,
           action: str) -> Erased:
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
    session.flush()  # the case is erased before its audit entries are rewritten
    scrubbed, first = _scrub_audit(session, ref, personal, texts)
    session.flush()
    if secure is not None:
        session.connection().exec_driver_sql(f"PRAGMA secure_delete = {int(secure)}")
    after: dict[str, Any] = {"erased": True, "contacts": contacts, "followups": followups,
                             "other_texts": others, "audit_entries": scrubbed}
    if first is not None and secure is not None:
        # SQLite: the rewritten entries and every one after are sealed again
        from send_cli.store.identity import RESEAL_FROM

        session.info[RESEAL_FROM] = first
        after["audit_resealed_from"] = first
    record(session, officer=actor, now=now, action=action, entity="case",
           entity_id=ref, case_ref=ref, after=after)
    return Erased(contacts, followups, others, scrubbed)


def erase_again(*, session: Session, refs: list[str], actor: str,
                now: datetime) -> list[str]:
    """After a restore: erase again every case of REFS that the restored
    store holds unerased. Returns the references erased."""
    from sqlalchemy import select as select_

    from send_cli.store.models import Case

    found = set(session.execute(select_(Case.ref).where(col(Case.ref).in_(refs),
                                                        col(Case.erased_at).is_(None)))
                .scalars())
    done = []
    for ref in refs:
        if ref in found:
            erase_case(session=session, ref=ref, actor=actor, now=now, again=True)
            done.append(ref)
    return done


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


def _scrub_audit(session: Session, ref: str, personal: list[str],
                 texts: list[str]) -> tuple[int, int | None]:
    """Scrub the case's audit entries: PERSONAL (its name, date of birth,
    setting) wherever they appear; its free TEXTS too, but a short one only
    as a whole value. Returns how many changed, and the first of them. On
    PostgreSQL the audit table is append-only for the officers' roles: the
    entries are rewritten by send_audit_scrub(), which touches only the
    entries of an erased case."""
    from sqlalchemy import text

    server = session.get_bind().dialect.name == "postgresql"
    personal = personal + [t for t in texts if len(t) >= SHORTEST_PART]
    whole = frozenset(t for t in texts if len(t) < SHORTEST_PART)
    entries = session.execute(select(AuditEntry).where(col(AuditEntry.case_ref) == ref)
                              .order_by(col(AuditEntry.id))).scalars().all()
    n, first = 0, None
    for entry in entries:
        before = scrub_json(entry.before, personal, whole)
        after = scrub_json(entry.after, personal, whole)
        if (before, after) != (entry.before, entry.after):
            if server:
                session.execute(text("SELECT send_audit_scrub(:i, :b, :a)"),
                                {"i": entry.id, "b": before, "a": after})
                session.expire(entry)
            else:
                entry.before, entry.after = before, after
                session.add(entry)
            n += 1
            first = entry.id if first is None else min(first, entry.id or first)
    return n, first


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
