"""Appeal rows for a Core bulk insert: list tests' data sets, fast and without history."""

from __future__ import annotations

import datetime as dt
from typing import Any


def appeal_row(
    seq: int,
    reg_date: dt.date,
    *,
    channel_id: int,
    receiving_body_id: int,
    responsible_body_id: int,
    status: str,
    summary: str,
    annulled_at: dt.datetime | None = None,
    year: int = 2025,
    prefix: str = "ОГ",
    **columns: Any,
) -> dict[str, Any]:
    """One appeal registered and received on `reg_date`, due 30 days later; `columns` adds or overrides."""
    return {
        "reg_number": f"{prefix}-{year}-{seq:06d}",
        "reg_year": year,
        "reg_seq": seq,
        "received_date": reg_date,
        "reg_date": reg_date,
        "channel_id": channel_id,
        "summary": summary,
        "receiving_body_id": receiving_body_id,
        "responsible_body_id": responsible_body_id,
        "status": status,
        "due_date": reg_date + dt.timedelta(days=30),
        "annulled_at": annulled_at,
        "version": 1,
        **columns,
    }
