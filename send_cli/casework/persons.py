"""People: the children and young people whose requests are cases. Their
details checked, a known child found, the person of a new case, and the
people of an import. Errors never echo a person's details (they go to
terminals and cron logs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from send_cli.casework.fields import check_text
from send_cli.errors import BadInput, Conflict, NotFound, RuleViolation
from send_cli.rules import sen2
from send_cli.store.models import Case, Person, Setting

NAME_MAX = 100
# the person's details (`case edit` changes them)
PERSON_FIELDS = ("forename", "surname", "dob", "sex", "ethnicity", "postcode", "upn", "uln",
                 "upn_unknown")

@dataclass
class Details:
    """A person's details as typed; None is 'not given'."""

    forename: str | None = None
    surname: str | None = None
    dob: date | None = None
    sex: str | None = None
    ethnicity: str | None = None
    postcode: str | None = None
    upn: str | None = None
    uln: str | None = None
    upn_unknown: str | None = None


def _name_part(value: str, what: str) -> str:
    text = " ".join(value.split())
    check_text(text, what=what, max_len=NAME_MAX)
    return text


def checked(d: Details) -> Details:
    """D with each given value checked and put in its standard form. Messages
    name the option and what is accepted, never the value."""
    out = replace(d)
    if d.forename is not None:
        out.forename = _name_part(d.forename, "--forename")
    if d.surname is not None:
        out.surname = _name_part(d.surname, "--surname")
        if not out.surname:
            raise BadInput("--surname is empty; give the child's or young person's surname")
    if d.sex is not None:
        out.sex = d.sex.strip().upper()
        if out.sex not in sen2.SEXES:
            raise BadInput("--sex is not known; use M, F or U (not known)")
    if d.ethnicity is not None:
        out.ethnicity = d.ethnicity.strip().upper()
        if out.ethnicity not in sen2.ETHNICITIES:
            raise BadInput("--ethnicity is not a CBDS ethnicity code; use one of: "
                           + ", ".join(sen2.ETHNICITIES) + " (the value is not repeated)")
    if d.postcode is not None:
        out.postcode = sen2.clean_postcode(d.postcode)
        if not sen2.is_postcode(out.postcode):
            raise BadInput("--postcode is not a UK postcode (e.g. LE15 6HP); the value is not "
                           "repeated here")
    if d.upn is not None:
        out.upn = sen2.clean_upn(d.upn)
        problem = sen2.upn_problem(out.upn)
        if problem is not None:
            raise BadInput(f"--upn is not a valid Unique Pupil Number: {problem}; the value "
                           "is not repeated here")
    if d.uln is not None:
        out.uln = d.uln.strip()
        if not sen2.is_uln(out.uln):
            raise BadInput("--uln is not a Unique Learner Number; use its 10 digits (the "
                           "value is not repeated here)")
    if d.upn_unknown is not None:
        out.upn_unknown = d.upn_unknown.strip().upper()
        if out.upn_unknown not in sen2.UPN_UNKNOWN:
            raise BadInput(f"--upn-unknown '{d.upn_unknown}' is not known; use one of "
                           "UN1 to UN10 (the DfE's reasons a UPN is not known)")
        if out.upn is not None or out.uln is not None:
            raise BadInput("--upn-unknown is the reason there is no UPN or ULN; give one or "
                           "the other")
    return out


def names(name: str | None, forename: str | None, surname: str | None) -> tuple[str, str]:
    """(forename, surname) from --forename/--surname, or --name split at its
    last space."""
    if forename is None and surname is None:
        if name is None:
            raise BadInput("give the child's name: --forename and --surname (or --name)")
        return sen2.split_name(name)
    if surname is None:
        raise BadInput("--forename needs --surname")
    return forename or "", surname


def full_name(forename: str, surname: str) -> str:
    return f"{forename} {surname}".strip()


def same_person(session: Session, d: Details) -> tuple[str, str] | None:
    """(the reference of a case of a person already known, and why) for
    details D: the same UPN, or the same forename, surname and date of birth."""
    hits = []
    if d.upn is not None:
        hits.append((Person.upn == d.upn, "the same UPN"))
    if d.dob is not None and d.surname:
        hits.append(((Person.dob == d.dob)
                     & (func.lower(Person.surname) == d.surname.lower())
                     & (func.lower(Person.forename) == (d.forename or "").lower()),
                     "the same forename, surname and date of birth"))
    for where, why in hits:
        ref = session.scalar(select(Case.ref).join(Person, Person.id == Case.person_id)
                             .where(where, Person.erased_at.is_(None))
                             .order_by(Case.received, Case.id).limit(1))
        if ref is not None:
            return str(ref), why
    return None


def person_for_new_case(session: Session, d: Details, *, same_child: str | None,
                        new_child: bool, now: datetime) -> tuple[Person, bool]:
    """The person a new case is for: the one of case SAME_CHILD, or a new one
    unless one with the same details is known (refused, naming their case,
    unless NEW_CHILD). Returns (person, whether new)."""
    if same_child is not None:
        if new_child:
            raise BadInput("--same-child and --new-child contradict each other; give one")
        found = session.execute(select(Person)
                                .join(Case, Case.person_id == Person.id)
                                .where(Case.ref == same_child)).first()
        if found is None:
            raise NotFound(f"no case '{same_child}'", hint="See 'send-cli case list'.")
        person = found[0]
        if person.erased_at is not None:
            raise RuleViolation(f"case '{same_child}' has no person on record (erased)")
        for key in ("forename", "surname", "dob"):
            given = getattr(d, key)
            mine = getattr(person, key)
            if given is not None and str(given).lower() != str(mine).lower():
                raise Conflict(f"the {key} given differs from the person of case "
                               f"'{same_child}'; check it, or use --new-child",
                               hint=f"Correct the person with 'send-cli case edit "
                                    f"{same_child}'.")
        for key in PERSON_FIELDS[3:]:
            if getattr(d, key) is not None:
                setattr(person, key, getattr(d, key))
        session.add(person)
        return person, False
    found = same_person(session, d)
    if found is not None:
        ref, why = found
        if not new_child or why == "the same UPN":
            raise Conflict(
                f"this child or young person may already be known: case '{ref}' has {why}",
                hint=f"For a new request for them: --same-child {ref}"
                     + ("" if why == "the same UPN" else
                        "; for a different child with the same details: --new-child"))
    if d.dob is None or not d.surname:
        raise BadInput("a new person needs --surname (or --name) and --dob")
    person = Person(forename=d.forename or "", surname=d.surname, dob=d.dob, sex=d.sex,
                    ethnicity=d.ethnicity, postcode=d.postcode, upn=d.upn, uln=d.uln,
                    upn_unknown=d.upn_unknown, created_at=now)
    session.add(person)
    session.flush()
    return person, True


def person_values(person: Person) -> dict[str, Any]:
    return {f.name: getattr(person, f.name) for f in fields(Details)}


def check_la(value: str, *, what: str, session: Session) -> str:
    """A 3-digit LA code, not the council's own."""
    code = value.strip()
    if not sen2.is_la_code(code):
        raise BadInput(f"{what} '{value}' is not an LA code; use the council's 3-digit "
                       "number, e.g. 855")
    own = session.get(Setting, sen2.SETTINGS["la-code"])
    if own is not None and own.value == code:
        raise RuleViolation(f"{what} {code} is this council's own LA code")
    return code


# -- import -------------------------------------------------------------------
IMPORT_COLUMNS = ("forename", "surname", "sex", "ethnicity", "postcode", "upn", "uln",
                  "upn_unknown", "transferred_from", "same_child", "new_child")
PERSON_COLUMNS = ("id", "forename", "surname", "dob", "sex", "ethnicity", "postcode", "upn",
                  "uln", "upn_unknown", "created_at")
_YES = ("yes", "y", "true", "1")


class PeopleImport:
    """The people behind an import's rows: a new person per row unless the
    row names `same_child` (a case in the store or an earlier row). A row
    whose child is already known (same UPN, or same forename, surname and
    date of birth, in the file or the store) is refused unless `new_child`
    is yes, as `case add` refuses it."""

    def __init__(self, session: Session, now: datetime,
                 add: Callable[[tuple[Any, ...]], None]) -> None:
        self.session = session
        self.add = add  # takes a row of PERSON_COLUMNS
        self.now = now
        self.last_before = int(session.scalar(select(func.max(Person.id))) or 0)
        self.next_id = self.last_before + 1
        self.by_ref: dict[str, tuple[int, str, str, date | None]] = {}
        self.by_name: dict[tuple[str, str, date], tuple[int, str]] = {}
        self.by_upn: dict[str, tuple[int, str]] = {}
        self.lines: dict[int, int] = {}  # person id -> line (new people)
        self.keys: list[tuple[int, tuple[str, str, date] | None, str | None, bool]] = []
        self.pending: tuple[Any, ...] | None = None

    def person(self, *, line: int, ref: str, name: str, dob: date | None,
               cells: dict[str, str]) -> tuple[int, str, date, str | None]:
        """(person id, full name, date of birth, transferred_from) of one row."""
        d = checked(Details(**{k: (cells.get(k) or None) for k in
                               ("forename", "surname", "sex", "ethnicity", "postcode", "upn",
                                "uln", "upn_unknown")}))
        if name and (d.forename or d.surname):
            raise BadInput("give name, or forename and surname, not both")
        if name or d.surname or d.forename:
            d.forename, d.surname = names(name or None, d.forename, d.surname)
        la = cells.get("transferred_from") or None
        if la is not None and not sen2.is_la_code(la):
            raise BadInput(f"transferred_from '{la}' is not a 3-digit LA code")
        self.pending = None
        new_child = (cells.get("new_child") or "").lower() in _YES
        same = cells.get("same_child") or None
        if same is not None:
            return self._same(same, d, dob) + (la,)
        if dob is None:
            raise BadInput("dob is empty; give the date of birth, YYYY-MM-DD")
        d.dob = dob
        if not d.surname:
            raise BadInput("name is empty; give the child's or young person's name")
        key = (d.forename.lower(), d.surname.lower(), dob)
        if d.upn is not None and d.upn in self.by_upn:
            raise BadInput(f"the same UPN as case '{self.by_upn[d.upn][1]}' in this file; "
                           "a UPN belongs to one child (use same_child)")
        if key in self.by_name and not new_child:
            raise BadInput(f"the same forename, surname and date of birth as case "
                           f"'{self.by_name[key][1]}' in this file; give same_child or "
                           "new_child")
        pid = self.next_id
        self.next_id += 1
        self.pending = (pid, line, ref, key, new_child, d)
        return pid, full_name(d.forename, d.surname), dob, la

    def keep(self) -> None:
        """The row last read passed every check: its new person (if any) is
        written and known to the rows after it."""
        if self.pending is None:
            return
        pid, line, ref, key, new_child, d = self.pending
        self.pending = None
        self.by_name.setdefault(key, (pid, ref))
        if d.upn is not None:
            self.by_upn[d.upn] = (pid, ref)
        self.by_ref[ref.casefold()] = (pid, d.forename, d.surname, d.dob)
        self.lines[pid] = line
        self.keys.append((pid, None if new_child else key, d.upn, new_child))
        self.add((pid, d.forename, d.surname, d.dob, d.sex, d.ethnicity, d.postcode,
                  d.upn, d.uln, d.upn_unknown, self.now))

    def _same(self, same: str, d: Details, dob: date | None) -> tuple[int, str, date]:
        found = self.by_ref.get(same.casefold())
        if found is None:
            row = self.session.execute(
                select(Person.id, Person.forename, Person.surname, Person.dob)
                .join(Case, Case.person_id == Person.id)
                .where(Case.ref == same, Person.erased_at.is_(None))).first()
            if row is None:
                raise BadInput(f"same_child '{same}' is neither a case in the store nor an "
                               "earlier row")
            found = (int(row[0]), row[1], row[2], row[3])
        pid, forename, surname, born = found
        if dob is not None and dob != born:
            raise BadInput(f"the date of birth differs from case '{same}''s child")
        if d.surname and (d.surname.lower(), (d.forename or "").lower()) != \
                (surname.lower(), forename.lower()):
            raise BadInput(f"the name differs from case '{same}''s child")
        assert born is not None
        return pid, full_name(forename, surname), born

    def store_duplicates(self) -> list[tuple[int, str]]:
        """(line, problem) for new people the store already knows."""
        if not self.last_before:
            return []
        problems = []
        names_of = {key: pid for pid, key, _, _ in self.keys if key is not None}
        upns = {upn: pid for pid, _, upn, _ in self.keys if upn is not None}
        dobs = sorted({key[2] for key in names_of})
        for i in range(0, len(dobs), 500):
            for forename, surname, born, ref in self.session.execute(
                    select(Person.forename, Person.surname, Person.dob, Case.ref)
                    .join(Case, Case.person_id == Person.id)
                    .where(Person.id <= self.last_before, Person.erased_at.is_(None),
                           Person.dob.in_(dobs[i:i + 500]))):
                pid = names_of.pop((forename.lower(), surname.lower(), born), None)
                if pid is not None:
                    problems.append((self.lines[pid], f"the same forename, surname and date "
                                     f"of birth as case '{ref}'; give same_child or "
                                     "new_child"))
        found = sorted(upns)
        for i in range(0, len(found), 500):
            for upn, ref in self.session.execute(
                    select(Person.upn, Case.ref).join(Case, Case.person_id == Person.id)
                    .where(Person.id <= self.last_before, Person.upn.in_(found[i:i + 500]))):
                pid = upns.pop(upn, None)
                if pid is not None:
                    problems.append((self.lines[pid], f"the same UPN as case '{ref}'; a UPN "
                                     "belongs to one child (use same_child)"))
        return sorted(problems)
