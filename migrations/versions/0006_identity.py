"""identity: the login beside the officer, officers' logins and admins, a sealed audit trail

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

Every audit entry records the login that acted (the operating-system user on
SQLite; on PostgreSQL a trigger writes the role that connected, whatever the
client sends). On SQLite each entry carries a seal: SHA-256 over its values
and the seal before it, so an entry changed or deleted by hand breaks the
chain; the entries already there are sealed here, oldest first. On
PostgreSQL the audit table is append-only for the officers' roles ('send-cli
db roles'); erasure rewrites a case's entries through send_audit_scrub(), a
SECURITY DEFINER function that touches only the entries of an erased case.

Columns are added in place (ALTER TABLE ... ADD COLUMN), never by batch
mode's copy, so 0005's triggers stay as they are.
"""

import hashlib
import json

from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# the audit columns a seal covers, in order (send_cli/store/identity.py)
SEALED = ("id", "at", "officer", "login", "action", "entity", "entity_id", "case_ref",
          "before", "after")


def upgrade() -> None:
    op.add_column('audit', sa.Column('login', sa.String(length=64), nullable=True))
    op.add_column('audit', sa.Column('seal', sa.String(length=64), nullable=True))
    op.add_column('officers', sa.Column('login', sa.String(length=64), nullable=True))
    op.add_column('officers', sa.Column('admin', sa.Boolean(),
                                        server_default=sa.text('(false)'), nullable=False))
    op.create_index('ix_officers_login', 'officers', ['login'], unique=True)
    if op.get_bind().dialect.name == "postgresql":
        _postgresql()
    else:
        _seal_sqlite()


def _seal_sqlite() -> None:
    """Seal the entries already in the store, oldest first."""
    conn = op.get_bind()
    cols = ", ".join(f'"{c}"' for c in SEALED)
    rows = conn.exec_driver_sql(f"SELECT {cols} FROM audit ORDER BY id").fetchall()
    prev = ""
    for row in rows:
        values = [prev] + [None if v is None else str(v) for v in row]
        prev = hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()
        conn.exec_driver_sql("UPDATE audit SET seal = ? WHERE id = ?", (prev, row[0]))


def _postgresql() -> None:
    op.execute("""
        CREATE OR REPLACE FUNCTION send_audit_login() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            NEW.login := session_user;
            RETURN NEW;
        END $$""")
    op.execute("""
        CREATE TRIGGER audit_login BEFORE INSERT ON audit
        FOR EACH ROW EXECUTE FUNCTION send_audit_login()""")
    op.execute("""
        CREATE OR REPLACE FUNCTION send_audit_scrub(entry integer, new_before text,
                                                    new_after text) RETURNS void
        LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
            UPDATE audit SET before = new_before, after = new_after
            WHERE id = entry AND case_ref IN (
                SELECT ref FROM cases WHERE erased_at IS NOT NULL)
        $$""")
    op.execute("REVOKE ALL ON FUNCTION send_audit_scrub(integer, text, text) FROM PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_login ON audit")
        op.execute("DROP FUNCTION IF EXISTS send_audit_login()")
        op.execute("DROP FUNCTION IF EXISTS send_audit_scrub(integer, text, text)")
    op.drop_index('ix_officers_login', table_name='officers')
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.drop_column('admin')
        batch_op.drop_column('login')
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.drop_column('seal')
        batch_op.drop_column('login')
