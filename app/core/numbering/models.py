"""Registration journals and their counters: the last number given, per journal and year."""

from __future__ import annotations

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .journals import CONTINUOUS, JOURNALS


class NumberingJournal(Model):
    """A journal as declared by its domain (copied by `flask app init`; nobody edits it by hand)."""

    __tablename__ = "core_numbering_journal"
    __label__ = _l("Журнал регистрации")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    pattern: Mapped[str] = mapped_column(String(64))

    counters: Mapped[list[NumberingCounter]] = relationship(
        back_populates="journal", order_by="NumberingCounter.year.desc()"
    )

    def example(self) -> str:
        """What a number of this journal looks like (the admin sees the pattern as a number)."""
        declared = JOURNALS.get(self.code)
        return declared.example() if declared is not None else self.pattern

    def __repr__(self) -> str:
        return self.name


class NumberingCounter(Model):
    """The last sequence given in one journal and year: it only ever grows, so a number is never reused.

    `year` is the year of the LOCAL registration date; 0 for a journal numbered continuously.
    """

    __tablename__ = "core_numbering_counter"
    __label__ = _l("Счётчик регистрационных номеров")
    __table_args__ = (UniqueConstraint("journal_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    journal_id: Mapped[int] = mapped_column(ForeignKey("core_numbering_journal.id"))
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0)

    journal: Mapped[NumberingJournal] = relationship(back_populates="counters")

    def year_label(self) -> str:
        return "" if self.year == CONTINUOUS else str(self.year)

    def last_issued(self) -> str:
        """The written form of the last number given (empty before the first)."""
        declared = JOURNALS.get(self.journal.code)
        if declared is None or not self.last_number:
            return ""
        return declared.format(self.year, self.last_number)

    def __repr__(self) -> str:
        return f"{self.journal} {self.year_label()}".strip()
