"""name search: a normalised twin column per applicant name part, each with its own index

Revision ID: 0027_name_search
Revises: 0026_links
Create Date: 2026-12-03

The text filters on an appeal's last name, first name and patronymic read the part's normalised twin
(lower case, ё → е) instead of folding the column per row behind the combined `applicant_search`
column, which found «иванов» among the patronymics («Иванович») too and then threw most of it away.
A pg_trgm GIN index per twin on PostgreSQL (a plain index on SQLite, like `applicant_search`).
"""

import sqlalchemy as sa
from alembic import op

revision = "0027_name_search"
down_revision = "0026_links"
branch_labels = None
depends_on = None

TWINS = {
    "applicant_last_name": "applicant_last_name_norm",
    "applicant_first_name": "applicant_first_name_norm",
    "applicant_patronymic": "applicant_patronymic_norm",
}
#: Values inserted per round trip into the look-up table of the back-fill.
CHUNK = 5_000


def _normalise(value):
    # app.core.filters.normalized_value, frozen here as of this revision (Python's lower(): the same on
    # both databases, whatever the PostgreSQL cluster's locale).
    return None if value is None else value.lower().replace("ё", "е")


def _backfill(conn):
    """The twins from their parts in one UPDATE: names repeat, so each distinct value is normalised once in
    Python, put in a temporary look-up table, and every row is written once (a second pass per part
    would write each row, and each of its indexes, again)."""
    appeal = sa.table(
        "appeals_appeal",
        *(sa.column(part, sa.String) for part in TWINS),
        *(sa.column(twin, sa.String) for twin in TWINS.values()),
    )
    values = set()
    for part in TWINS:
        column = appeal.c[part]
        values.update(value for (value,) in conn.execute(sa.select(column).where(column.is_not(None)).distinct()))
    if not values:
        return
    lookup = sa.Table(
        "tmp_name_twin",
        sa.MetaData(),
        sa.Column("value", sa.String(100), primary_key=True),
        sa.Column("norm", sa.String(100)),
        prefixes=["TEMPORARY"],
    )
    lookup.create(conn)
    ordered = sorted(values)
    for start in range(0, len(ordered), CHUNK):
        conn.execute(lookup.insert(), [{"value": v, "norm": _normalise(v)} for v in ordered[start : start + CHUNK]])
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("ANALYZE tmp_name_twin"))

    def twin_of(part):
        return sa.select(lookup.c.norm).where(lookup.c.value == appeal.c[part]).scalar_subquery()

    named = sa.or_(*(appeal.c[part].is_not(None) for part in TWINS))
    conn.execute(appeal.update().where(named).values({twin: twin_of(part) for part, twin in TWINS.items()}))
    lookup.drop(conn)


def upgrade():
    with op.batch_alter_table("appeals_appeal") as batch_op:
        for twin in TWINS.values():
            batch_op.add_column(sa.Column(twin, sa.String(length=100), nullable=True))
    conn = op.get_bind()
    _backfill(conn)
    if conn.dialect.name == "postgresql":
        # Created by 0016_perf already; kept for a database that was built without it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for twin in TWINS.values():
        op.create_index(
            f"ix_appeals_appeal_{twin}",
            "appeals_appeal",
            [twin],
            postgresql_using="gin",
            postgresql_ops={twin: "gin_trgm_ops"},
        )


def downgrade():
    for twin in reversed(TWINS.values()):
        op.drop_index(f"ix_appeals_appeal_{twin}", table_name="appeals_appeal")
    with op.batch_alter_table("appeals_appeal") as batch_op:
        for twin in reversed(TWINS.values()):
            batch_op.drop_column(twin)
