"""Statistics of citizens' appeals (DOMAIN.md D.9, R-A1…R-A5, the executors' workload): aggregate SQL.

Every report counts with GROUP BY in the database, never by looping over appeals in Python,
and leaves annulled appeals out. A report is asked with a `ReportFilter`: the period (both
ends included), an optional body (the appeal's receiving or responsible body — the same two
bodies that own it), an optional district of the problem, and the row scope of statistics
(`app.security.statistics_clause(Appeal)`: the appeals the user's bodies/districts own — a copy
sent to a body shows it the appeal but never counts there; None means every appeal).

GROUP BY expressions carry no bound parameters: PostgreSQL matches a grouped expression to
the selected one by its text, and two copies with their own parameters ($1, $4) do not match.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext
from sqlalchemy import Integer, and_, case, cast, distinct, extract, func, literal_column, null, or_, select, true
from sqlalchemy.orm import aliased

from ..core.calendar.models import DayKind, WorkingDay
from ..core.dates import local_today
from ..core.sql import days_between
from ..extensions import db
from ..org.models import Body, District
from .models import Appeal, AppealQuestion, AppealStatus
from .receptions import Reception, ReceptionVisit
from .reference.classifier import HOUSING_SECTION, section_expr, theme_expr
from .reference.models import AppealResult, Channel, ClassifierEntry, PosCategory
from .services import POS_CHANNEL


@dataclass(frozen=True)
class ReportFilter:
    """What every report is asked with (plain data, plus the scope clause of the current user)."""

    date_from: dt.date
    date_to: dt.date
    body_id: int | None = None
    district_id: int | None = None
    scope: Any = None


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole × 100 rounded half up to one decimal (as people round), None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _filters(flt: ReportFilter, district_column: Any = Appeal.district_id) -> list[Any]:
    """The body, district and row-scope parts of a report's WHERE (annulled appeals always left out)."""
    conditions = [Appeal.annulled_at.is_(None)]
    if flt.body_id is not None:
        conditions.append(or_(Appeal.receiving_body_id == flt.body_id, Appeal.responsible_body_id == flt.body_id))
    if flt.district_id is not None:
        conditions.append(district_column == flt.district_id)
    if flt.scope is not None:
        conditions.append(flt.scope)
    return conditions


def _conditions(flt: ReportFilter, date_column: Any, district_column: Any = Appeal.district_id) -> list[Any]:
    return [*_filters(flt, district_column), date_column >= flt.date_from, date_column <= flt.date_to]


def _registered(flt: ReportFilter) -> list[Any]:
    return _conditions(flt, Appeal.reg_date)


def _appeal_count(conditions: list[Any]) -> int:
    return db.session.scalar(select(func.count(Appeal.id)).where(*conditions)) or 0


def _question_count() -> Any:
    """The appeal's number of questions: a correlated count, one index probe per appeal.

    Counting an appeal's questions this way while grouping the appeals is several times faster at a
    million appeals than joining the questions (a COUNT(DISTINCT) over the join, or PostgreSQL's hash
    join over every question of every year). `count(*)`, not of the question's id: PostgreSQL then
    answers from the appeal-id index alone (an index-only probe, no question row read: 265–295 →
    175–240 ms for a year's 50,000 appeals).
    """
    return (
        select(func.count())
        .select_from(AppealQuestion)
        .where(AppealQuestion.appeal_id == Appeal.id)
        .correlate(Appeal)
        .scalar_subquery()
    )


def _with_questions() -> tuple[Any, Any]:
    """(FROM clause, questions) — the appeals joined to their questions, for the period's WHERE.

    Reached from the period's appeals, each appeal's questions by the question index. PostgreSQL
    otherwise hashes every question of every year (1.6 million at a million appeals, 250–330 ms a
    query) for the year's 80,000; a LATERAL subquery makes it probe per appeal (125–160 ms). The
    subquery's `OFFSET 0` is what keeps it LATERAL: PostgreSQL flattens a simple LATERAL subquery into
    a plain join (and then hashes again), never one with a LIMIT or an OFFSET. SQLite always probes,
    and has no LATERAL. The caller adds `_conditions(flt, Appeal.reg_date, …)`.
    """
    questions = AppealQuestion.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        per_appeal = (
            select(questions.c.id, questions.c.classifier_code, questions.c.result_id)
            .where(questions.c.appeal_id == Appeal.id)
            .offset(0)
            .lateral("question")
        )
        return Appeal.__table__.join(per_appeal, true()), per_appeal.c
    question = questions.alias("question")
    return Appeal.__table__.join(question, question.c.appeal_id == Appeal.id), question.c


# ---- R-A1 intake ------------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeRow:
    channel: str
    body: str
    year: int
    month: int
    appeals: int
    questions: int
    #: The ids behind the names (a chart's bar opens the list of that channel).
    channel_id: int | None = None
    body_id: int | None = None
    #: The channel's place in the reference list (the order the report lists channels in).
    channel_order: int = 0


@dataclass(frozen=True)
class IntakeReport:
    rows: list[IntakeRow]
    appeals: int
    questions: int
    #: Asked with `by_district`: the same appeals per district of the problem (as `district_totals`).
    districts: list[DistrictTotalRow] | None = None


def intake(flt: ReportFilter, by_district: bool = False) -> IntakeReport:
    """Appeals and questions by channel × receiving body × month of registration.

    Grouped on the appeal's own indexed columns first, questions counted per appeal by a
    correlated subquery (a COUNT(DISTINCT) over the question join is several times slower at a
    million appeals), names joined to the few grouped rows last.

    `by_district` also groups by the district of the problem and adds the district totals: the
    dashboard draws months, channels and districts from this one pass over the period's appeals
    (counting each appeal's questions is most of a pass: 150 ms on PostgreSQL at a million appeals).
    """
    month = cast(extract("month", Appeal.reg_date), Integer)
    questions = _question_count()
    conditions = _registered(flt)
    keys = [Appeal.channel_id, Appeal.receiving_body_id, Appeal.reg_year, month]
    if by_district:
        keys.append(Appeal.district_id)
    counts = (
        select(
            Appeal.channel_id.label("channel_id"),
            Appeal.receiving_body_id.label("body_id"),
            Appeal.reg_year.label("year"),
            month.label("month"),
            (Appeal.district_id if by_district else null()).label("district_id"),
            func.count().label("appeals"),
            func.sum(questions).label("questions"),
        )
        .where(*conditions)
        .group_by(*keys)
        .subquery()
    )
    query = (
        select(
            Channel.name,
            Body.name,
            counts.c.year,
            counts.c.month,
            counts.c.appeals,
            counts.c.questions,
            counts.c.channel_id,
            counts.c.body_id,
            Channel.sort_order,
            counts.c.district_id,
        )
        .select_from(counts)
        .join(Channel, Channel.id == counts.c.channel_id)
        .join(Body, Body.id == counts.c.body_id)
        .order_by(counts.c.year, counts.c.month, Channel.sort_order, Channel.name, Body.name)
    )
    grouped: dict[tuple[Any, ...], list[Any]] = {}
    per_district: dict[int | None, list[int]] = {}
    for c, b, y, m, a, q, channel_id, body_id, order, district_id in db.session.execute(query):
        q = int(q or 0)
        # Within one row of the report, its districts' groups (in the order the report lists rows).
        row = grouped.setdefault((channel_id, body_id, int(y), int(m)), [c, b, int(order or 0), 0, 0])
        row[3] += a
        row[4] += q
        if by_district:
            totals = per_district.setdefault(district_id, [0, 0])
            totals[0] += a
            totals[1] += q
    rows = [
        IntakeRow(c, b, y, m, a, q, channel_id, body_id, order)
        for (channel_id, body_id, y, m), (c, b, order, a, q) in grouped.items()
    ]
    # The totals are the rows' sums: every appeal has a channel and a receiving body (NOT NULL
    # foreign keys), so the inner joins to their names drop none.
    districts = _named_district_totals(per_district) if by_district else None
    return IntakeReport(rows, sum(r.appeals for r in rows), sum(r.questions for r in rows), districts)


# ---- R-A2 topics ------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicRow:
    code: str
    name: str
    questions: int
    appeals: int
    question_share: Decimal | None
    appeal_share: Decimal | None


@dataclass(frozen=True)
class TopicMonthRow:
    code: str
    name: str
    year: int
    month: int
    questions: int


@dataclass(frozen=True)
class TopicsReport:
    sections: list[TopicRow]
    themes: list[TopicRow]
    #: Questions per раздел and month of registration (the dynamics a deputy head follows).
    sections_by_month: list[TopicMonthRow]
    #: The most frequent questions (the most specific codes as registered), at most TOP_QUESTIONS.
    top_questions: list[TopicRow]
    appeals: int
    questions: int
    #: Раздел 0005 «Жилищно-коммунальная сфера» (its тематика «Жилище»): share of questions and of appeals.
    housing_question_share: Decimal | None
    housing_appeal_share: Decimal | None


TOP_QUESTIONS = 20


def _named_counts(
    flt: ReportFilter, code_of: Callable[[Any], Any], limit: int | None = None
) -> list[tuple[str, str, int, int]]:
    """(code, name, questions, appeals) per code expression of a question's code, named by the active edition."""
    source, question = _with_questions()
    code_expr = code_of(question.classifier_code)
    counts = (
        select(
            code_expr.label("code"),
            func.count(question.id).label("questions"),
            func.count(distinct(Appeal.id)).label("appeals"),
        )
        .select_from(source)
        .where(*_registered(flt))
        .group_by(code_expr)
        .subquery()
    )
    # Named outside the GROUP BY: a code missing from the active edition keeps its code only.
    entry = aliased(ClassifierEntry)
    query = (
        select(counts.c.code, entry.name, counts.c.questions, counts.c.appeals)
        .outerjoin(entry, and_(entry.code == counts.c.code, entry.is_active.is_(True)))
        .order_by(counts.c.questions.desc(), counts.c.code)
        .limit(limit)
    )
    return [(code, name or "", q, a) for code, name, q, a in db.session.execute(query)]


def _sections_by_month(flt: ReportFilter) -> list[TopicMonthRow]:
    source, question = _with_questions()
    section = section_expr(question.classifier_code)
    month = cast(extract("month", Appeal.reg_date), Integer)
    counts = (
        select(
            section.label("code"),
            Appeal.reg_year.label("year"),
            month.label("month"),
            func.count(question.id).label("questions"),
        )
        .select_from(source)
        .where(*_registered(flt))
        .group_by(section, Appeal.reg_year, month)
        .subquery()
    )
    entry = aliased(ClassifierEntry)
    query = (
        select(counts.c.code, entry.name, counts.c.year, counts.c.month, counts.c.questions)
        .outerjoin(entry, and_(entry.code == counts.c.code, entry.is_active.is_(True)))
        .order_by(counts.c.code, counts.c.year, counts.c.month)
    )
    return [TopicMonthRow(c, n or "", int(y), int(m), q) for c, n, y, m, q in db.session.execute(query)]


@dataclass(frozen=True)
class TopicSections:
    """Questions by раздел with the period's totals: the part of R-A2 the dashboard charts."""

    sections: list[TopicRow]
    appeals: int
    questions: int


def topic_sections(flt: ReportFilter) -> TopicSections:
    """Questions and appeals per раздел, shares of the period's questions and appeals.

    The questions' total is the sections' sum (every question has a code, hence a раздел); the
    appeals' total counts every appeal registered in the period, with questions or without.
    """
    counts = _named_counts(flt, section_expr)
    appeals = _appeal_count(_registered(flt))
    questions = sum(q for _, _, q, _ in counts)
    sections = [TopicRow(code, name, q, a, percent(q, questions), percent(a, appeals)) for code, name, q, a in counts]
    return TopicSections(sections, appeals, questions)


def topics(flt: ReportFilter) -> TopicsReport:
    """Questions and appeals by classifier раздел and тема, with shares per question and per appeal.

    An appeal with questions in two темы counts in both, so the shares per appeal may add up to
    more than 100 %; the denominator is every appeal registered in the period.
    """
    by_section = topic_sections(flt)
    appeals, questions = by_section.appeals, by_section.questions

    def rows(code_of: Callable[[Any], Any], limit: int | None = None) -> list[TopicRow]:
        return [
            TopicRow(code, name, q, a, percent(q, questions), percent(a, appeals))
            for code, name, q, a in _named_counts(flt, code_of, limit)
        ]

    sections = by_section.sections
    housing = next((row for row in sections if row.code == HOUSING_SECTION), None)
    return TopicsReport(
        sections=sections,
        themes=rows(theme_expr),
        sections_by_month=_sections_by_month(flt),
        top_questions=rows(lambda code: code, limit=TOP_QUESTIONS),
        appeals=appeals,
        questions=questions,
        housing_question_share=housing.question_share if housing else percent(0, questions),
        housing_appeal_share=housing.appeal_share if housing else percent(0, appeals),
    )


# ---- R-A3 districts ---------------------------------------------------------------------


@dataclass(frozen=True)
class DistrictThemeRow:
    district: str | None  # None: the district is not recorded
    theme_code: str
    theme_name: str
    questions: int
    appeals: int


@dataclass(frozen=True)
class DistrictTotalRow:
    district: str | None
    appeals: int
    questions: int
    district_id: int | None = None


@dataclass(frozen=True)
class DistrictsReport:
    rows: list[DistrictThemeRow]
    totals: list[DistrictTotalRow]
    by_applicant: bool


def districts(flt: ReportFilter, by_applicant: bool = False) -> DistrictsReport:
    """Questions and appeals by district × тема: of the problem, or (by_applicant) of the applicant.

    The district filter applies to the district the report is about.
    """
    district_column = _district_column(by_applicant)
    conditions = _conditions(flt, Appeal.reg_date, district_column)
    source, question = _with_questions()
    theme = theme_expr(question.classifier_code)
    counts = (
        select(
            district_column.label("district_id"),
            theme.label("code"),
            func.count(question.id).label("questions"),
            func.count(distinct(Appeal.id)).label("appeals"),
        )
        .select_from(source)
        .where(*conditions)
        .group_by(district_column, theme)
        .subquery()
    )
    entry = aliased(ClassifierEntry)
    query = (
        select(District.name, counts.c.code, entry.name, counts.c.questions, counts.c.appeals)
        .select_from(counts)
        .outerjoin(District, District.id == counts.c.district_id)
        .outerjoin(entry, and_(entry.code == counts.c.code, entry.is_active.is_(True)))
        # Districts by name, the unrecorded district last; within one, the biggest тема first.
        .order_by(District.name.is_(None), District.name, counts.c.questions.desc(), counts.c.code)
    )
    rows = [DistrictThemeRow(d, code, name or "", q, a) for d, code, name, q, a in db.session.execute(query)]
    return DistrictsReport(rows, district_totals(flt, by_applicant), by_applicant)


def _district_column(by_applicant: bool) -> Any:
    return Appeal.applicant_district_id if by_applicant else Appeal.district_id


def district_totals(flt: ReportFilter, by_applicant: bool = False) -> list[DistrictTotalRow]:
    """Appeals and their questions per district (of the problem or of the applicant), the unrecorded last.

    Grouped over the appeals, questions counted per appeal; an appeal without questions counts
    as an appeal. Named after grouping, as the other reports.
    """
    district_column = _district_column(by_applicant)
    counts = (
        select(
            district_column.label("district_id"),
            func.count(Appeal.id).label("appeals"),
            func.sum(_question_count()).label("questions"),
        )
        .where(*_conditions(flt, Appeal.reg_date, district_column))
        .group_by(district_column)
        .subquery()
    )
    query = (
        select(District.name, counts.c.appeals, counts.c.questions, counts.c.district_id)
        .select_from(counts)
        .outerjoin(District, District.id == counts.c.district_id)
        .order_by(District.name.is_(None), District.name)
    )
    return [DistrictTotalRow(d, a, int(q or 0), i) for d, a, q, i in db.session.execute(query)]


def _named_district_totals(counts: dict[int | None, list[int]]) -> list[DistrictTotalRow]:
    """District totals counted elsewhere (intake's pass), named and ordered as `district_totals` gives them."""
    # Ordered by the database, as the report orders them (its collation, not Python's), the unrecorded last.
    named = db.session.execute(
        select(District.id, District.name)
        .where(District.id.in_([i for i in counts if i is not None]))
        .order_by(District.name)
    )
    rows = [DistrictTotalRow(name, *counts[i], i) for i, name in named]
    if None in counts:
        rows.append(DistrictTotalRow(None, *counts[None], None))
    return rows


# ---- R-A4 timeliness --------------------------------------------------------------------


@dataclass(frozen=True)
class TimelinessRow:
    body: str | None  # None: the total line
    total: int
    on_time: int
    late: int
    overdue_open: int
    extended: int
    #: Average calendar days from registration to the answer, over the answered ones (None: none answered).
    average_days: Decimal | None = None
    #: The responsible body's id (None on the total line): a chart's bar opens that body's list.
    body_id: int | None = None

    @property
    def on_time_percent(self) -> Decimal | None:
        return percent(self.on_time, self.total)


@dataclass(frozen=True)
class TimelinessReport:
    rows: list[TimelinessRow]
    total: TimelinessRow


def timeliness(flt: ReportFilter, today: dt.date | None = None) -> TimelinessReport:
    """Per responsible body, over the appeals due in the period (against the current, possibly extended, due date).

    On time: answered with closed_on ≤ due_date; late: answered after it; overdue open: still open
    with due_date before today; extended: the term was extended. Forwarded outside, closed without
    an answer, withdrawn and open-within-term appeals count in the total only. Average days: from
    registration to the answer, over the answered appeals, to one decimal.
    """
    today = today or local_today()
    answered = Appeal.status == AppealStatus.ANSWERED.value
    days = case((answered, days_between(Appeal.reg_date, Appeal.closed_on)))
    # Counted as «1» per row, not per id: every column read is in ix_appeals_appeal_current_due, so
    # without a body, district or scope filter PostgreSQL reads the period from that index alone.
    one = literal_column("1")
    measures = (
        func.count(),
        func.count(case((and_(answered, Appeal.closed_on <= Appeal.due_date), one))),
        func.count(case((and_(answered, Appeal.closed_on > Appeal.due_date), one))),
        func.count(
            case((and_(Appeal.open_clause(), Appeal.due_date < today), one)),
        ),
        func.count(Appeal.original_due_date),
        # The average's own terms: the answered appeals whose days are known, and their sum.
        func.count(days),
        func.sum(days),
    )
    # Grouped on the appeal's own column first, named after: joined first, SQLite walks the
    # period's index once per body (22 × 50,000 entries at a million appeals, 110 ms → 30 ms).
    counts = (
        select(Appeal.responsible_body_id.label("body_id"), *(m.label(f"m{i}") for i, m in enumerate(measures)))
        .where(*_conditions(flt, Appeal.due_date))
        .group_by(Appeal.responsible_body_id)
        .subquery()
    )
    query = (
        select(Body.name, Body.id, *(counts.c[f"m{i}"] for i in range(len(measures))))
        .select_from(counts)
        .join(Body, Body.id == counts.c.body_id)
        .order_by(Body.name, Body.id)
    )
    per_body = [(name, body_id, [int(v or 0) for v in counts]) for name, body_id, *counts in db.session.execute(query)]
    rows = [_timeliness_row(name, counts, body_id=body_id) for name, body_id, counts in per_body]
    # The total line is the bodies' sums: every appeal has a responsible body (a NOT NULL foreign key).
    sums = [sum(column) for column in zip(*(counts for _, _, counts in per_body), strict=True)] or [0] * len(measures)
    return TimelinessReport(rows, _timeliness_row(None, sums))


def _timeliness_row(body: str | None, counts: list[int], body_id: int | None = None) -> TimelinessRow:
    """The row from (total, on time, late, overdue open, extended, answered, Σ days to the answer)."""
    *whole, answered, days = counts
    average = None if not answered else (Decimal(days) / answered).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return TimelinessRow(body, *whole, average_days=average, body_id=body_id)


# ---- R-A5 results -----------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    code: str | None  # None: no result yet
    name: str
    questions: int
    share: Decimal | None


@dataclass(frozen=True)
class ResultsReport:
    rows: list[ResultRow]
    questions: int


def results(flt: ReportFilter) -> ResultsReport:
    """Questions of the appeals registered in the period by result (ССТУ vocabulary), every result listed."""
    source, question = _with_questions()
    counts = (
        select(question.result_id.label("result_id"), func.count(question.id).label("questions"))
        .select_from(source)
        .where(*_registered(flt))
        .group_by(question.result_id)
        .subquery()
    )
    per_result = db.session.execute(
        select(AppealResult.code, AppealResult.name, func.coalesce(counts.c.questions, literal_column("0")))
        .select_from(AppealResult)
        .outerjoin(counts, counts.c.result_id == AppealResult.id)
        .order_by(AppealResult.sort_order, AppealResult.code)
    ).all()
    unanswered = db.session.scalar(select(counts.c.questions).where(counts.c.result_id.is_(None))) or 0
    total = sum(n for *_, n in per_result) + unanswered
    rows = [ResultRow(code, name, n, percent(n, total)) for code, name, n in per_result]
    rows.append(ResultRow(None, gettext("Без результата"), unanswered, percent(unanswered, total)))
    return ResultsReport(rows, total)


# ---- workload: by body and executor ---------------------------------------------------


@dataclass(frozen=True)
class WorkloadRow:
    body_id: int | None  # None on the total line
    body: str | None
    executor_id: int | None  # None: not assigned yet (or the total line)
    executor: str | None
    open: int
    overdue: int
    due_this_week: int
    answered: int
    answered_late: int


@dataclass(frozen=True)
class WorkloadReport:
    rows: list[WorkloadRow]
    total: WorkloadRow
    today: dt.date


def workload(flt: ReportFilter, today: dt.date | None = None) -> WorkloadReport:
    """Per responsible body and executor: open appeals today (overdue, due within 7 days) and answered in the period.

    The open columns are a snapshot of today whatever the period; «answered» counts appeals whose
    answer date falls in the period, «late» those of them answered after their (current) due date.
    """
    today = today or local_today()
    open_ = Appeal.open_clause()
    answered = and_(
        Appeal.status == AppealStatus.ANSWERED.value,
        Appeal.closed_on >= flt.date_from,
        Appeal.closed_on <= flt.date_to,
    )
    week_end = today + dt.timedelta(days=7)
    measures = (
        func.count(case((open_, Appeal.id))),
        func.count(case((and_(open_, Appeal.due_date < today), Appeal.id))),
        func.count(case((and_(open_, Appeal.due_date >= today, Appeal.due_date <= week_end), Appeal.id))),
        func.count(case((answered, Appeal.id))),
        func.count(case((and_(answered, Appeal.closed_on > Appeal.due_date), Appeal.id))),
    )
    conditions = [*_filters(flt), or_(open_, answered)]
    query = (
        select(Body.id, Body.name, User.id, User.last_name, User.first_name, *measures)
        .select_from(Appeal)
        .join(Body, Body.id == Appeal.responsible_body_id)
        .outerjoin(User, User.id == Appeal.executor_id)
        .where(*conditions)
        .group_by(Body.id, Body.name, User.id, User.last_name, User.first_name)
        # Bodies by name; within one, the unassigned first (they need an executor), then by name.
        .order_by(Body.name, User.id.is_not(None), User.last_name, User.first_name, User.id)
    )
    rows = [
        WorkloadRow(body_id, body, user_id, " ".join(filter(None, (last, first))) or None, *counts)
        for body_id, body, user_id, last, first, *counts in db.session.execute(query)
    ]
    total = db.session.execute(select(*measures).select_from(Appeal).where(*conditions)).one()
    return WorkloadReport(rows, WorkloadRow(None, None, None, None, *total), today)


# ---- R-A6 repeat and collective ---------------------------------------------------------

TOP_REPEATS = 10


@dataclass(frozen=True)
class RepeatRow:
    name: str  # an address, or an applicant (full name, address)
    appeals: int
    repeat: int


@dataclass(frozen=True)
class RepeatReport:
    appeals: int
    repeat: int
    duplicate: int
    collective: int
    signatories: int
    anonymous: int
    #: Problem addresses with two or more appeals in the period, the most frequent first.
    addresses: list[RepeatRow]
    #: Applicants with two or more appeals (only for a user with the personal-data right; else None).
    applicants: list[RepeatRow] | None


def _normalised(column: Any) -> Any:
    return func.lower(func.trim(column))


def repeats(flt: ReportFilter, personal: bool = False) -> RepeatReport:
    """Repeat, duplicate, collective and anonymous appeals registered in the period, and who/where repeats.

    Addresses and applicants are matched ignoring case and surrounding spaces (a clerk types
    «ул. Ленина, 5» and «УЛ. ЛЕНИНА, 5» for the same house); one of the spellings is shown.
    """
    conditions = _registered(flt)
    totals = db.session.execute(
        select(
            func.count(Appeal.id),
            func.count(case((Appeal.is_repeat.is_(True), Appeal.id))),
            func.count(case((Appeal.is_duplicate.is_(True), Appeal.id))),
            func.count(case((Appeal.kind == "collective", Appeal.id))),
            func.coalesce(func.sum(case((Appeal.kind == "collective", Appeal.signatories))), literal_column("0")),
            func.count(case((Appeal.is_anonymous.is_(True), Appeal.id))),
        ).where(*conditions)
    ).one()
    measures = (func.count(Appeal.id), func.count(case((Appeal.is_repeat.is_(True), Appeal.id))))
    address = _normalised(Appeal.problem_address)
    addresses = db.session.execute(
        select(func.min(func.trim(Appeal.problem_address)), *measures)
        .where(*conditions, Appeal.problem_address.is_not(None), func.trim(Appeal.problem_address) != "")
        .group_by(address)
        .having(func.count(Appeal.id) > 1)
        .order_by(func.count(Appeal.id).desc(), func.min(func.trim(Appeal.problem_address)))
        .limit(TOP_REPEATS)
    ).all()
    applicants = None
    if personal:
        parts = (
            Appeal.applicant_last_name,
            Appeal.applicant_first_name,
            Appeal.applicant_patronymic,
            Appeal.applicant_address,
        )
        keys = [_normalised(func.coalesce(part, literal_column("''"))) for part in parts]
        rows = db.session.execute(
            select(*(func.min(part) for part in parts), *measures)
            .where(*conditions, Appeal.is_anonymous.is_(False), Appeal.applicant_last_name.is_not(None))
            .group_by(*keys)
            .having(func.count(Appeal.id) > 1)
            .order_by(func.count(Appeal.id).desc(), func.min(Appeal.applicant_last_name))
            .limit(TOP_REPEATS)
        ).all()
        applicants = [
            RepeatRow(", ".join(filter(None, (" ".join(filter(None, (last, first, middle))), where))), n, r)
            for last, first, middle, where, n, r in rows
        ]
    return RepeatReport(*totals, addresses=[RepeatRow(a, n, r) for a, n, r in addresses], applicants=applicants)


# ---- R-A7 personal receptions -----------------------------------------------------------


@dataclass(frozen=True)
class ReceptionRow:
    official: str | None  # None on the total line
    body: str | None
    receptions: int
    visits: int
    oral_answers: int
    appeals: int


def receptions(flt: ReportFilter) -> tuple[list[ReceptionRow], ReceptionRow]:
    """Per official: reception days held in the period, visits, answered orally on the spot, turned into appeals.

    `flt.scope` must be the statistics clause of receptions (a reception is counted for its body). The
    district filter is the district of the reception's body (a district administration's receptions).
    """
    conditions = [Reception.date >= flt.date_from, Reception.date <= flt.date_to]
    if flt.body_id is not None:
        conditions.append(Reception.body_id == flt.body_id)
    if flt.district_id is not None:
        conditions.append(Body.district_id == flt.district_id)
    if flt.scope is not None:
        conditions.append(flt.scope)
    measures = (
        func.count(distinct(Reception.id)),
        func.count(ReceptionVisit.id),
        func.count(case((ReceptionVisit.oral_answer_given.is_(True), ReceptionVisit.id))),
        func.count(ReceptionVisit.appeal_id),
    )

    def base(*columns: Any) -> Any:
        return (
            select(*columns, *measures)
            .select_from(Reception)
            .join(Body, Body.id == Reception.body_id)
            .outerjoin(ReceptionVisit, ReceptionVisit.reception_id == Reception.id)
            .where(*conditions)
        )

    query = (
        base(User.last_name, User.first_name, Body.name)
        .join(User, User.id == Reception.official_id)
        .group_by(User.id, User.last_name, User.first_name, Body.id, Body.name)
        .order_by(Body.name, User.last_name, User.first_name, User.id)
    )
    rows = [ReceptionRow(f"{last} {first}", body, *counts) for last, first, body, *counts in db.session.execute(query)]
    return rows, ReceptionRow(None, None, *db.session.execute(base()).one())


# ---- R-A8 ПОС SLA -----------------------------------------------------------------------


@dataclass(frozen=True)
class PosRow:
    category: str | None  # None: no category recorded (or the total line, see PosReport)
    received: int
    answered: int
    answered_in_time: int
    overdue_open: int
    median_working_days: Decimal | None

    @property
    def in_time_percent(self) -> Decimal | None:
        return percent(self.answered_in_time, self.answered)


@dataclass(frozen=True)
class PosReport:
    rows: list[PosRow]
    total: PosRow


def _working_days_to_answer() -> Any:
    """Working days after registration up to and including the answer date (the ПОС clock), per appeal."""
    return (
        select(func.count(WorkingDay.id))
        .where(
            WorkingDay.day > Appeal.reg_date,
            WorkingDay.day <= Appeal.closed_on,
            WorkingDay.kind != DayKind.NON_WORKING.value,
        )
        .correlate(Appeal)
        .scalar_subquery()
    )


def _medians(days: Any, key: Any) -> dict[Any, Decimal]:
    """Median of `days` per `key` in SQL with window functions (SQLite and PostgreSQL alike).

    The middle row (odd count) or the two middle rows (even count) of each group are averaged.
    """
    ranked = select(
        key.label("key"),
        days.c.days.label("days"),
        func.row_number().over(partition_by=key, order_by=days.c.days).label("n"),
        func.count().over(partition_by=key).label("total"),
    ).subquery()
    middle = or_(ranked.c.n == (ranked.c.total + 1) // 2, ranked.c.n == (ranked.c.total + 2) // 2)
    query = select(ranked.c.key, func.avg(ranked.c.days)).where(middle).group_by(ranked.c.key)
    return {k: Decimal(str(v)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) for k, v in db.session.execute(query)}


def pos_sla(flt: ReportFilter, today: dt.date | None = None) -> PosReport:
    """ПОС messages registered in the period by ПОС category: answered, answered by the (category's) term, median.

    In time: answered on or before the due date (10 working days, or the category's own term, as set
    at registration). The median counts working days from registration to the answer.
    """
    today = today or local_today()
    answered = Appeal.status == AppealStatus.ANSWERED.value
    conditions = [*_registered(flt), Channel.code == POS_CHANNEL]
    measures = (
        func.count(Appeal.id),
        func.count(case((answered, Appeal.id))),
        func.count(case((and_(answered, Appeal.closed_on <= Appeal.due_date), Appeal.id))),
        func.count(case((and_(Appeal.open_clause(), Appeal.due_date < today), Appeal.id))),
    )
    per_category = db.session.execute(
        select(Appeal.pos_category_id, PosCategory.name, *measures)
        .select_from(Appeal)
        .join(Channel, Channel.id == Appeal.channel_id)
        .outerjoin(PosCategory, PosCategory.id == Appeal.pos_category_id)
        .where(*conditions)
        .group_by(Appeal.pos_category_id, PosCategory.name)
        .order_by(PosCategory.name.is_(None), PosCategory.name)
    ).all()
    days = (
        select(Appeal.pos_category_id.label("category_id"), _working_days_to_answer().label("days"))
        .select_from(Appeal)
        .join(Channel, Channel.id == Appeal.channel_id)
        .where(*conditions, answered)
        .subquery()
    )
    medians = _medians(days, days.c.category_id)
    overall = _medians(days, literal_column("0"))
    total = db.session.execute(
        select(*measures).select_from(Appeal).join(Channel, Channel.id == Appeal.channel_id).where(*conditions)
    ).one()
    rows = [PosRow(name, *counts, medians.get(category_id)) for category_id, name, *counts in per_category]
    return PosReport(rows, PosRow(None, *total, next(iter(overall.values()), None)))


# ---- R-A9 ССТУ.РФ monthly per-question list ---------------------------------------------

#: The ССТУ status of a question from its appeal's status and its own result (DOMAIN.md A.2).
SSTU_BY_RESULT = {
    "supported": "Рассмотрено. Поддержано",
    "supported_measures": "Рассмотрено. Поддержано",
    "explained": "Рассмотрено. Разъяснено",
    "not_supported": "Рассмотрено. Не поддержано",
}
SSTU_BY_STATUS = {
    AppealStatus.REGISTERED.value: "Находится на рассмотрении",
    AppealStatus.IN_WORK.value: "Находится на рассмотрении",
    AppealStatus.EXTENDED.value: "Рассмотрение продлено",
    AppealStatus.ANSWERED.value: "Дан ответ автору",
    AppealStatus.FORWARDED.value: "Направлено по компетенции",
    AppealStatus.CLOSED_WITHOUT_ANSWER.value: "Оставлено без ответа автору",
    AppealStatus.WITHDRAWN.value: "Оставлено без ответа автору",
}


@dataclass(frozen=True)
class SstuRow:
    reg_number: str
    reg_date: dt.date
    code: str
    name: str
    question_type: str
    status: str
    result: str | None
    measures_taken: bool
    body: str
    answer_date: dt.date | None


def sstu_count(flt: ReportFilter) -> int:
    return db.session.scalar(
        select(func.count(AppealQuestion.id))
        .select_from(AppealQuestion)
        .join(Appeal, Appeal.id == AppealQuestion.appeal_id)
        .where(*_sstu_conditions(flt))
    )


def _sstu_conditions(flt: ReportFilter) -> list[Any]:
    # Registered in the period, or considered in it (an appeal of last month answered this month).
    registered = and_(Appeal.reg_date >= flt.date_from, Appeal.reg_date <= flt.date_to)
    considered = and_(Appeal.closed_on >= flt.date_from, Appeal.closed_on <= flt.date_to)
    return [*_filters(flt), or_(registered, considered)]


def sstu(flt: ReportFilter, limit: int | None = None) -> list[SstuRow]:
    """One row per question, in registration order: what the monthly ССТУ.РФ upload reports (Указ № 171)."""
    entry = aliased(ClassifierEntry)
    query = (
        select(
            Appeal.reg_number,
            Appeal.reg_date,
            AppealQuestion.classifier_code,
            entry.name,
            AppealQuestion.question_type,
            Appeal.status,
            AppealResult.code,
            AppealResult.name,
            AppealQuestion.measures_taken,
            Body.name,
            Appeal.answer_date,
        )
        .select_from(AppealQuestion)
        .join(Appeal, Appeal.id == AppealQuestion.appeal_id)
        .join(Body, Body.id == Appeal.responsible_body_id)
        .outerjoin(AppealResult, AppealResult.id == AppealQuestion.result_id)
        .outerjoin(entry, and_(entry.code == AppealQuestion.classifier_code, entry.is_active.is_(True)))
        .where(*_sstu_conditions(flt))
        .order_by(Appeal.reg_date, Appeal.reg_number, AppealQuestion.id)
        .limit(limit)
    )
    return [
        SstuRow(
            number,
            reg_date,
            code,
            name or "",
            qtype,
            SSTU_BY_RESULT.get(result_code or "", SSTU_BY_STATUS[status])
            if status == AppealStatus.ANSWERED.value
            else SSTU_BY_STATUS[status],
            result_name,
            result_code == "supported_measures" or bool((measures or "").strip()),
            body,
            answered_on,
        )
        for number, reg_date, code, name, qtype, status, result_code, result_name, measures, body, answered_on in (
            db.session.execute(query)
        )
    ]
