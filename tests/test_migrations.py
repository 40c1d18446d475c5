"""The schema's migrations: one head, upgrades from every earlier revision
keep every row and foreign key, downgrade and upgrade agree, the models match
the migrations, and store.REVISIONS is Alembic's own list. On SQLite always,
and on PostgreSQL when SEND_CLI_TEST_PG_URL reaches a server.

pytest-alembic's built-in tests are imported explicitly below: its plugin
cannot collect them itself under pytest 9 (see pyproject.toml)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from pytest_alembic.tests import (  # noqa: F401  (collected here, see the docstring)
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)

from send_cli.store import engine as store_mod
from send_cli.store.engine import HEAD, REVISIONS, Store, make_engine, run_migrations
from send_cli.store.engine import alembic_config as store_config
from send_cli.store.upkeep import DERIVED_TABLES


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file, or a PostgreSQL database whose schema
    is dropped and made again for each test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'mig.db'}"
        return
    server = request.getfixturevalue("pg_server")
    url = getattr(server, "_migrations_url", None)
    if url is None:
        url = server.scratch_database("mig")
        server._migrations_url = url
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    yield url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    engine = make_engine(db_url)
    path = Path(db_url[len("sqlite:///"):]) if db_url.startswith("sqlite") else None
    yield Store(url=db_url, engine=engine, path=path)
    engine.dispose()


# -- pytest-alembic's fixtures -------------------------------------------
@pytest.fixture
def alembic_config() -> Any:
    return {"script_location": str(store_mod.resource_dir("migrations"))}


@pytest.fixture
def alembic_engine(db_url: str) -> Iterator[sa.Engine]:
    engine = sa.create_engine(db_url)
    yield engine
    engine.dispose()


# -- revisions --------------------------------------------------------------
def test_revisions_match_alembic() -> None:
    scripts = ScriptDirectory.from_config(store_config())
    assert scripts.get_heads() == [HEAD]
    assert tuple(reversed([s.revision for s in scripts.walk_revisions()])) == REVISIONS
    files = sorted(p.name[:4] for p in (store_mod.resource_dir("migrations") / "versions")
                   .glob("[0-9][0-9][0-9][0-9]_*.py"))
    assert tuple(files) == REVISIONS


def test_models_match_migrations(store: Store) -> None:
    """alembic check: autogenerate finds nothing between the models and head."""
    run_migrations(store)
    with store.engine.connect() as conn:
        command.check(store_config(conn))


# -- upgrades keep every row ---------------------------------------------------
def _value(col: sa.Column[Any], i: int, table: str) -> Any:
    t = col.type
    if isinstance(t, sa.Boolean):
        return i % 2 == 0
    if isinstance(t, sa.Integer):
        return 1000 + i if col.primary_key else i + 1
    if isinstance(t, sa.DateTime):
        return datetime(2021, 3, 1, 9, 0, tzinfo=UTC) + timedelta(days=i, minutes=i)
    if isinstance(t, sa.Date):
        return date(2021, 3, 1) + timedelta(days=7 * i)
    length = getattr(t, "length", None)
    text = f"{table[:3]}-{col.name}-{i}-Zoë O'Neil"
    if length:
        text = f"{i}{text}"[:length]
    return text


def fill(conn: sa.Connection, n: int = 3) -> None:
    """N rows in every table of the current schema (whatever the revision),
    parents first, each foreign key pointing at a real parent row."""
    md = sa.MetaData()
    md.reflect(conn)
    for table in md.sorted_tables:
        if table.name == "alembic_version" or table.name in DERIVED_TABLES:
            continue  # (the KPI counts: the triggers fill them from the rest)
        parents: dict[str, list[Any]] = {}
        for fk in table.foreign_keys:
            ref = fk.column
            parents[fk.parent.name] = [r[0] for r in conn.execute(
                sa.select(ref).order_by(ref).limit(n))]
        rows = []
        for i in range(n):
            row = {}
            for col in table.columns:
                if col.name in parents and parents[col.name]:
                    row[col.name] = parents[col.name][i % len(parents[col.name])]
                elif col.name in parents and col.nullable:
                    row[col.name] = None  # a table's own rows (officers.cover_id)
                else:
                    row[col.name] = _value(col, i, table.name)
            rows.append(row)
        conn.execute(table.insert(), rows)


def snapshot(conn: sa.Connection) -> dict[str, list[dict[str, Any]]]:
    md = sa.MetaData()
    md.reflect(conn)
    out = {}
    for table in md.sorted_tables:
        if table.name == "alembic_version":
            continue
        order = list(table.primary_key.columns) or list(table.columns)
        out[table.name] = [dict(r._mapping) for r in conn.execute(
            sa.select(table).order_by(*order))]
    return out


@pytest.mark.parametrize("start", [None, *REVISIONS[:-1]])
def test_upgrade_from_every_revision_keeps_every_row(store: Store, start: str | None) -> None:
    if start is not None:
        run_migrations(store, start)
        with store.engine.connect() as conn, conn.begin():
            fill(conn)
    with store.engine.connect() as conn:
        before = snapshot(conn)
        conn.rollback()
    run_migrations(store)
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == HEAD
        after = snapshot(conn)
        if store.is_sqlite:
            assert conn.execute(sa.text("PRAGMA foreign_key_check")).all() == []
            assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        conn.rollback()
    for table, rows in before.items():
        kept = [{k: r[k] for k in rows[0]} for r in after[table]] if rows else after[table]
        assert kept == rows, table
    if start is not None:
        assert sum(len(r) for r in before.values()) > 20


def test_upgraded_store_works_through_the_cli(store: Store, db_url: str, cli: Any,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A store left at 0001 with cases, contacts and follow-ups in it is
    upgraded by the first command, which then sees every row."""
    run_migrations(store, REVISIONS[0])
    with store.engine.connect() as conn, conn.begin():
        fill(conn)
    store.dispose()
    monkeypatch.setenv("SEND_CLI_DB", db_url)
    result = cli("case", "list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert f"upgraded the store from schema {REVISIONS[0]} to {HEAD}" in result.stderr
    assert len(__import__("json").loads(result.stdout)) == 3
    assert [e["action"] for e in cli.json("audit")].count("store.upgrade") == 1


# -- batch mode with foreign keys off ---------------------------------------
RECREATE = '''"""test only: recreate the parent tables

Revision ID: 9999
Revises: {head}
"""
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("officers", "cases"):
        with op.batch_alter_table(table, recreate="always"):
            pass


def downgrade() -> None:
    pass
'''


@pytest.fixture
def recreating_migrations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real migrations plus one that makes batch mode copy the parent
    tables (drop and rename), the step that loses child rows with FKs on."""
    folder = tmp_path / "migrations"
    shutil.copytree(store_mod.resource_dir("migrations"), folder,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "9999_recreate.py").write_text(RECREATE.format(head=HEAD))
    real = store_mod.resource_dir
    monkeypatch.setattr(store_mod, "resource_dir",
                        lambda name: folder if name == "migrations" else real(name))
    return folder


def test_batch_copy_of_parent_tables_keeps_children(store: Store,
                                                    recreating_migrations: Path) -> None:
    if not store.is_sqlite:
        pytest.skip("batch mode copies tables on SQLite only; PostgreSQL alters in place")
    run_migrations(store, HEAD)
    with store.engine.connect() as conn, conn.begin():
        fill(conn)
        before = snapshot(conn)
    run_migrations(store, "9999")
    with store.engine.connect() as conn:
        after = snapshot(conn)
        if store.is_sqlite:
            assert conn.execute(sa.text("PRAGMA foreign_key_check")).all() == []
        conn.rollback()
    assert after == before
    assert len(after["contacts"]) == 3 and len(after["followups"]) == 3


def test_without_the_runner_foreign_keys_break_the_copy(tmp_path: Path,
                                                        recreating_migrations: Path) -> None:
    """The contrast: the same migration through a plain connection with
    foreign keys on cannot drop the parent table. The runner is what saves it."""
    url = f"sqlite:///{tmp_path / 'plain.db'}"
    store = Store(url=url, engine=make_engine(url), path=tmp_path / "plain.db")
    run_migrations(store, HEAD)
    with store.engine.connect() as conn, conn.begin():
        fill(conn)
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        conn.rollback()
        with pytest.raises(sa.exc.IntegrityError, match="FOREIGN KEY"), conn.begin():
            command.upgrade(store_config(conn), "9999")
    store.dispose()


def test_0007_recounts_followups_by_the_london_day(store: Store) -> None:
    """A store at 0005 counted a reply done at 00:30 BST the day after it was
    due as kept (the UTC day); upgrading to 0007 recounts it as missed, keeps
    the one done at 23:30 BST on its day as kept, and the triggers go on
    counting by the London day."""
    run_migrations(store, "0005")
    rows = [  # (due, done_at in UTC)
        (date(2027, 7, 12), datetime(2027, 7, 12, 23, 30, tzinfo=UTC)),  # 00:30 BST 13 Jul
        (date(2027, 7, 13), datetime(2027, 7, 13, 22, 30, tzinfo=UTC)),  # 23:30 BST 13 Jul
    ]
    with store.engine.connect() as conn, conn.begin():
        fill(conn, n=1)
        case_id, officer_id = conn.execute(sa.text(
            "SELECT id, officer_id FROM cases")).one()
        for due, done in rows:
            conn.execute(sa.text(
                "INSERT INTO followups (case_id, kind, due, officer_id, level, done_at, "
                "created_at) VALUES (:c, 'reply', :due, :o, 1, :done, :done)"),
                {"c": case_id, "due": due, "o": officer_id, "done": done})

    def kept() -> dict[str, int]:
        with store.engine.connect() as conn:
            found = {str(d): int(ok) for d, ok in conn.execute(sa.text(
                "SELECT day, ok FROM kpi_days WHERE metric = 'followups' "
                "AND day IN ('2027-07-12', '2027-07-13')"))}
            conn.rollback()
        return found

    assert kept() == {"2027-07-12": 1, "2027-07-13": 1}  # the UTC day
    run_migrations(store)
    assert kept() == {"2027-07-12": 0, "2027-07-13": 1}
    with store.engine.connect() as conn, conn.begin():  # and the trigger
        conn.execute(sa.text("UPDATE followups SET done_at = :t WHERE due = '2027-07-13'"),
                     {"t": datetime(2027, 7, 13, 23, 30, tzinfo=UTC)})  # 00:30 BST 14 Jul
    assert kept() == {"2027-07-12": 0, "2027-07-13": 0}
