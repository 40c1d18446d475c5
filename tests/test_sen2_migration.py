"""Revision 0008 on a store with cases in it: each case becomes its own
person, its name split at the last space, and the old request sources take
SEN2's names. On SQLite, and on PostgreSQL when a server is reachable."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from send_cli.store.engine import REVISIONS, Store, run_migrations
from tests.test_migrations import db_url, store  # noqa: F401  (fixtures)

BEFORE = REVISIONS[REVISIONS.index("0008") - 1]
CASES = [  # ref, name, requested_by, erased
    ("M-1", "Mary Jane Smith", "school", False),
    ("M-2", "Cher", "professional", False),
    ("M-3", "Sam  Example ", "parent", False),
    ("M-4", "[erased]", None, True),
]


def test_every_case_becomes_its_own_person(store: Store) -> None:  # noqa: F811
    run_migrations(store, BEFORE)
    made = datetime(2026, 1, 5, 9, tzinfo=UTC)
    with store.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO officers (id, code, name, email, team, role, active, created_at) "
            "VALUES (1, 'CO1', 'Tom', 'co1@c.gov.uk', 'assessment', 'casework-officer', "
            ":t, :made)"), {"t": True, "made": made})
        for i, (ref, name, by, erased) in enumerate(CASES, 1):
            conn.execute(sa.text(
                "INSERT INTO cases (id, ref, name, dob, officer_id, received, requested_by, "
                "status, erased_at, created_at) VALUES (:id, :ref, :name, :dob, 1, :rec, :by, "
                "'requested', :erased, :made)"),
                {"id": 10 * i, "ref": ref, "name": name,
                 "dob": None if erased else date(2016, 5, i), "rec": date(2026, 1, 5),
                 "by": by, "erased": made if erased else None, "made": made})
    run_migrations(store)
    with store.engine.begin() as conn:
        rows = conn.execute(sa.text(
            "SELECT c.ref, c.requested_by, p.id, p.forename, p.surname, p.dob, p.erased_at "
            "FROM cases c JOIN persons p ON p.id = c.person_id ORDER BY c.ref")).all()
        assert [(r[0], r[1], r[2], r[3], r[4]) for r in rows] == [
            ("M-1", "setting", 10, "Mary Jane", "Smith"),
            ("M-2", "other", 20, "", "Cher"),
            ("M-3", "parent", 30, "Sam", "Example"),
            ("M-4", None, 40, "", "[erased]")]
        assert str(rows[0][5]) == "2016-05-01"
        assert rows[3][6] is not None and rows[0][6] is None
        # a new person takes the next id, on PostgreSQL too (the sequence moved)
        new_id = conn.execute(sa.text(
            "INSERT INTO persons (forename, surname, created_at) VALUES ('A', 'B', :made) "
            "RETURNING id"), {"made": made}).scalar()
        assert new_id == 41
