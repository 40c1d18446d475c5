"""absence and cover, follow-ups held for an away officer, appeal windows
opened by a refusal's outcome email, follow-ups kept by the London day

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-05

- officers: away_from, away_to and cover_id (the charter's out-of-office
  redirect to an alternative contact).
- followups.for_officer_id: the away officer whose promise the cover holds.
- appeals.followup_id: the outcome email of a refusal whose day opened the
  appeal window (the email is the decision letter).
- The follow-up counts of revision 0005 dated done_at by UTC, so a reply at
  00:30 BST the day after it was due counted as kept. They now date it by the
  Europe/London day on both backends, and the counts are worked out again.
  SQLite copies followups to add its column (batch mode), which drops the
  0005 triggers on it: they are created again here, with the London day.
"""

from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def london_day_sqlite(column: str) -> str:
    """The Europe/London date of a stored UTC moment, in SQLite's SQL: British
    Summer Time runs from 01:00 UTC on the last Sunday of March to 01:00 UTC
    on the last Sunday of October (the first Sunday on or after the 25th)."""
    year = f"strftime('%Y', {column})"
    return (f"date({column}, CASE WHEN {column} >= datetime({year} || '-03-31', '-6 days', "
            f"'weekday 0', '+1 hour') AND {column} < datetime({year} || '-10-31', '-6 days', "
            f"'weekday 0', '+1 hour') THEN '+1 hour' ELSE '+0 hours' END)")


def london_day_postgresql(column: str) -> str:
    return f"({column} AT TIME ZONE 'Europe/London')::date"


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('away_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('away_to', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('cover_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_officers_cover_id_officers'), 'officers',
                                    ['cover_id'], ['id'])
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('for_officer_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_followups_for_officer_id_officers'),
                                    'officers', ['for_officer_id'], ['id'])
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('followup_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_appeals_followup_id_followups'),
                                    'followups', ['followup_id'], ['id'])
    if postgres:
        _postgresql_trigger(london_day_postgresql)
    else:
        _sqlite_triggers(london_day_sqlite)
    _recount(london_day_postgresql if postgres else london_day_sqlite)


def _kept(row: str, day) -> str:  # type: ignore[no-untyped-def]
    return (f"CASE WHEN {row}.done_at IS NOT NULL AND {day(row + '.done_at')} <= {row}.due "
            "THEN 1 ELSE 0 END")


def _sqlite_triggers(day) -> None:  # type: ignore[no-untyped-def]
    add = """
    INSERT INTO kpi_days (metric, day, n, ok, days)
    VALUES ('followups', {row}.due, 1, {kept}, 0)
    ON CONFLICT (metric, day) DO UPDATE SET n = n + excluded.n, ok = ok + excluded.ok;"""
    remove = """
    UPDATE kpi_days SET n = n - 1, ok = ok - {kept}
    WHERE metric = 'followups' AND day = {row}.due;"""

    def body(*parts: tuple[str, str]) -> str:
        return "".join(sql.format(row=row, kept=_kept(row, day)) for sql, row in parts)

    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS kpi_followups_{event}")
    for name, event, sql in (
        ("kpi_followups_insert", "INSERT", body((add, "NEW"))),
        ("kpi_followups_delete", "DELETE", body((remove, "OLD"))),
        ("kpi_followups_update", "UPDATE OF due, done_at", body((remove, "OLD"), (add, "NEW"))),
    ):
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON followups BEGIN {sql}\nEND")


def _postgresql_trigger(day) -> None:  # type: ignore[no-untyped-def]
    op.execute(f"""
    CREATE OR REPLACE FUNCTION kpi_followups() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE kpi_days SET n = n - 1,
            ok = ok - (OLD.done_at IS NOT NULL AND {day('OLD.done_at')} <= OLD.due)::int
        WHERE metric = 'followups' AND day = OLD.due;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO kpi_days AS k (metric, day, n, ok, days)
        VALUES ('followups', NEW.due, 1,
                (NEW.done_at IS NOT NULL AND {day('NEW.done_at')} <= NEW.due)::int, 0)
        ON CONFLICT (metric, day) DO UPDATE SET n = k.n + 1, ok = k.ok + EXCLUDED.ok;
      END IF;
      RETURN NULL;
    END $$""")


def _recount(day) -> None:  # type: ignore[no-untyped-def]
    op.execute("DELETE FROM kpi_days WHERE metric = 'followups'")
    op.execute(f"""
    INSERT INTO kpi_days (metric, day, n, ok, days)
    SELECT 'followups', due, count(*),
           sum(CASE WHEN done_at IS NOT NULL AND {day('done_at')} <= due THEN 1 ELSE 0 END), 0
    FROM followups GROUP BY due""")


def _utc_day_sqlite(column: str) -> str:
    return f"date({column})"


def _utc_day_postgresql(column: str) -> str:
    return f"({column} AT TIME ZONE 'UTC')::date"


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_appeals_followup_id_followups'),
                                 type_='foreignkey')
        batch_op.drop_column('followup_id')
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_followups_for_officer_id_officers'),
                                 type_='foreignkey')
        batch_op.drop_column('for_officer_id')
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_officers_cover_id_officers'), type_='foreignkey')
        batch_op.drop_column('cover_id')
        batch_op.drop_column('away_to')
        batch_op.drop_column('away_from')
    # the counts as revision 0005 kept them (by the UTC day)
    if postgres:
        _postgresql_trigger(_utc_day_postgresql)
    else:
        _sqlite_triggers(_utc_day_sqlite)
    _recount(_utc_day_postgresql if postgres else _utc_day_sqlite)
