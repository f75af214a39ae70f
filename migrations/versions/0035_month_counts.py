"""month counts: the current and all appeals per month of registration, kept by triggers

Revision ID: 0035_month_counts
Revises: 0034_district_scope_index
Create Date: 2026-12-04

A page by number deep in the appeals' list walked half the order's index to skip the rows before it
(page 20,000 of a million: 10 ms on SQLite, 23 ms on PostgreSQL). With the rows counted per month of
reg_date, the page adds up months and walks one (app.core.month_counts). The triggers keep the counts in
every writer's transaction. PostgreSQL: one trigger per statement, which inserts a delta row per month it
changed: concurrent writers never update a common row (an import of today does not hold up a clerk's
registration of today); a periodic task folds the deltas. SQLite (one writer at a time): a row per
month, added into. The counts start from the rows already there.
"""

import sqlalchemy as sa
from alembic import op

revision = "0035_month_counts"
down_revision = "0034_district_scope_index"
branch_labels = None
depends_on = None

TABLE = "appeals_appeal_month_count"
SOURCE = "appeals_appeal"

PG_MONTH = "date_trunc('month', reg_date)::date"
PG_NEXT = "(date_trunc('month', reg_date) + interval '1 month')::date"
PG_FUNCTION = f"""
CREATE FUNCTION {TABLE}_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM {TABLE};
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO {TABLE} (month, next_month, all_rows, current_rows)
        SELECT {PG_MONTH}, {PG_NEXT}, count(*), count(*) FILTER (WHERE annulled_at IS NULL)
        FROM new_rows GROUP BY 1, 2;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO {TABLE} (month, next_month, all_rows, current_rows)
        SELECT {PG_MONTH}, {PG_NEXT}, -count(*), -count(*) FILTER (WHERE annulled_at IS NULL)
        FROM old_rows GROUP BY 1, 2;
    ELSE
        -- Most updates move no row between months or in or out of the current ones: they add nothing.
        INSERT INTO {TABLE} (month, next_month, all_rows, current_rows)
        SELECT month, next_month, sum(all_rows), sum(current_rows) FROM (
            SELECT {PG_MONTH} AS month, {PG_NEXT} AS next_month, -1 AS all_rows,
                   -(annulled_at IS NULL)::int AS current_rows FROM old_rows
            UNION ALL
            SELECT {PG_MONTH}, {PG_NEXT}, 1, (annulled_at IS NULL)::int FROM new_rows
        ) AS moved
        GROUP BY month, next_month HAVING sum(all_rows) <> 0 OR sum(current_rows) <> 0;
    END IF;
    RETURN NULL;
END
$$
"""
PG_TRIGGERS = [
    f"CREATE TRIGGER {TABLE}_ins AFTER INSERT ON {SOURCE} REFERENCING NEW TABLE AS new_rows "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_keep()",
    f"CREATE TRIGGER {TABLE}_upd AFTER UPDATE ON {SOURCE} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_keep()",
    f"CREATE TRIGGER {TABLE}_del AFTER DELETE ON {SOURCE} REFERENCING OLD TABLE AS old_rows "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_keep()",
    f"CREATE TRIGGER {TABLE}_trunc AFTER TRUNCATE ON {SOURCE} FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_keep()",
]


def _sqlite_add(row: str, sign: str) -> str:
    month = f"date({row}.reg_date, 'start of month')"
    add = (
        f"UPDATE {TABLE} SET all_rows = all_rows {sign} 1, current_rows = current_rows {sign} ({row}.annulled_at IS NULL) "
        f"WHERE month = {month};"
    )
    if sign == "-":
        return add
    return (
        f"INSERT INTO {TABLE} (month, next_month, all_rows, current_rows) "
        f"SELECT {month}, date({row}.reg_date, 'start of month', '+1 month'), 0, 0 "
        f"WHERE NOT EXISTS (SELECT 1 FROM {TABLE} WHERE month = {month}); {add}"
    )


SQLITE_TRIGGERS = [
    f"CREATE TRIGGER {TABLE}_ins AFTER INSERT ON {SOURCE} BEGIN {_sqlite_add('NEW', '+')} END",
    f"CREATE TRIGGER {TABLE}_del AFTER DELETE ON {SOURCE} BEGIN {_sqlite_add('OLD', '-')} END",
    f"CREATE TRIGGER {TABLE}_upd AFTER UPDATE OF reg_date, annulled_at ON {SOURCE} "
    "WHEN OLD.reg_date IS NOT NEW.reg_date OR (OLD.annulled_at IS NULL) <> (NEW.annulled_at IS NULL) "
    f"BEGIN {_sqlite_add('OLD', '-')} {_sqlite_add('NEW', '+')} END",
]


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("next_month", sa.Date(), nullable=False),
        sa.Column("all_rows", sa.Integer(), nullable=False),
        sa.Column("current_rows", sa.Integer(), nullable=False),
    )
    op.create_index(f"ix_{TABLE}_month", TABLE, ["month", "next_month", "all_rows", "current_rows"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)
        op.execute(
            f"INSERT INTO {TABLE} (month, next_month, all_rows, current_rows) "
            f"SELECT {PG_MONTH}, {PG_NEXT}, count(*), count(*) FILTER (WHERE annulled_at IS NULL) "
            f"FROM {SOURCE} GROUP BY 1, 2"
        )
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
        op.execute(
            f"INSERT INTO {TABLE} (month, next_month, all_rows, current_rows) "
            "SELECT date(reg_date, 'start of month'), date(reg_date, 'start of month', '+1 month'), count(*), "
            f"sum(annulled_at IS NULL) FROM {SOURCE} GROUP BY 1, 2"
        )


def downgrade() -> None:
    for suffix in ("ins", "upd", "del", "trunc"):
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{suffix}" + (f" ON {SOURCE}" if _pg() else ""))
    if _pg():
        op.execute(f"DROP FUNCTION IF EXISTS {TABLE}_keep()")
    op.drop_index(f"ix_{TABLE}_month", table_name=TABLE)
    op.drop_table(TABLE)


def _pg() -> bool:
    return op.get_bind().dialect.name == "postgresql"
