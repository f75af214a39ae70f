"""Demo plans through the services (`flask app demo`): this year's annual plan with its four quarterly plans,
partly executed — some items moved, some not done — and next year's plan collecting proposals.

Deterministic (a fixed seed) and idempotent (nothing is added when this year's plan exists); about 150 records.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from ..core.dates import local_today
from ..extensions import db
from ..org.services import body_by_code
from .models import ItemForm, Plan, PlanItem, PlanKind, PlanProposal
from .reference import section_by_code
from .services import (
    add_item,
    agree_proposal,
    approve_plan,
    build_quarter,
    create_plan,
    include_agreed_proposals,
    mark_cancelled,
    mark_done,
    mark_not_done,
    move_item,
    open_proposals,
    prepare_proposal,
    send_for_approval,
    submit_proposal,
)

SEED = 2015

# (section, month, responsible body, question, form)
ITEMS: list[tuple[str, int, str, str, str]] = [
    ("council", 2, "kgkh", "Об утверждении программы капитального ремонта многоквартирных домов", "draft_decision"),
    ("council", 3, "kumi", "Об отчёте о приватизации муниципального имущества за прошлый год", "report"),
    ("council", 4, "udkh", "О ходе подготовки к весенне-летнему благоустройству города", "information"),
    ("council", 6, "kon", "Об итогах летней оздоровительной кампании детей", "information"),
    ("council", 9, "kszn", "О мерах социальной поддержки участников специальной военной операции", "draft_decision"),
    ("council", 10, "udkh", "О готовности городского хозяйства к отопительному сезону", "report"),
    ("council", 11, "kgkh", "О тарифах на услуги муниципальных предприятий на следующий год", "draft_decision"),
    ("council", 12, "kumi", "О прогнозном плане приватизации на следующий год", "draft_decision"),
    ("collegium", 1, "udkh", "Об итогах зимнего содержания улично-дорожной сети", "report"),
    ("collegium", 2, "district-zavodskoy", "О работе администрации Заводского района с обращениями граждан", "report"),
    ("collegium", 4, "uzhil", "О предоставлении жилья гражданам, переселяемым из аварийного фонда", "report"),
    ("collegium", 5, "culture", "О подготовке к празднованию Дня Победы", "report"),
    ("collegium", 7, "sport", "О развитии массового спорта во дворах", "report"),
    ("collegium", 8, "kon", "О готовности образовательных учреждений к новому учебному году", "report"),
    ("collegium", 10, "district-central", "О благоустройстве дворовых территорий Центрального района", "report"),
    ("collegium", 12, "kgkh", "Об итогах реализации программы капитального ремонта", "report"),
    ("head", 1, "udkh", "Совещание по вывозу снега с дворовых территорий", "information"),
    ("head", 3, "kgkh", "Совещание по подготовке к паводку", "information"),
    ("head", 5, "transport", "Совещание по работе общественного транспорта в дачный сезон", "information"),
    ("head", 6, "uzhil", "О ходе расселения аварийных домов", "information"),
    ("head", 8, "kgzr", "О выдаче разрешений на строительство", "information"),
    ("head", 9, "udkh", "О ремонте дорог по национальному проекту", "information"),
    ("head", 11, "kszn", "О подготовке к Декаде инвалидов", "information"),
    ("head", 12, "culture", "О проведении новогодних мероприятий", "information"),
    ("deputy", 2, "uzhil", "Рассмотрение списков очерёдности на жильё", "information"),
    ("deputy", 3, "udkh", "О санитарной очистке города после зимы", "information"),
    ("deputy", 5, "kgkh", "О подготовке к отопительному сезону: план мероприятий", "information"),
    ("deputy", 7, "district-zavodskoy", "О ходе ремонта дворов в Заводском районе", "information"),
    ("deputy", 9, "kon", "О питании школьников", "information"),
    ("deputy", 10, "kgkh", "О запуске отопления", "information"),
    ("deputy", 12, "udkh", "О зимнем содержании дорог", "information"),
    ("city_events", 2, "culture", "Проводы Масленицы на площади Маяковского", "event"),
    ("city_events", 4, "udkh", "Общегородской субботник", "event"),
    ("city_events", 5, "culture", "Празднование Дня Победы, шествие «Бессмертный полк»", "event"),
    ("city_events", 6, "culture", "День города Новокузнецка", "event"),
    ("city_events", 8, "sport", "День физкультурника", "event"),
    ("city_events", 8, "kgkh", "День шахтёра", "event"),
    ("city_events", 10, "kszn", "День пожилого человека", "event"),
    ("city_events", 12, "culture", "Открытие главной городской ёлки", "event"),
]
#: Proposals the bodies made to this year's plan (agreed by the deputy head, then included).
PROPOSALS: list[tuple[str, int, str, str]] = [
    ("collegium", 3, "udkh", "О ремонте внутриквартальных проездов"),
    ("deputy", 6, "kgkh", "О промывке тепловых сетей перед отопительным сезоном"),
    ("city_events", 9, "uzhil", "Вручение ключей от новых квартир переселенцам"),
]
#: Proposals to next year's plan: waiting for the deputy head, and a draft.
NEXT_YEAR: list[tuple[str, int, str, str, bool]] = [
    ("council", 3, "udkh", "О программе ремонта дорог на три года", True),
    ("collegium", 4, "kgkh", "О подготовке к паводку будущего года", True),
    ("head", 2, "uzhil", "О порядке учёта граждан, нуждающихся в жилье", False),
]


def _mark(item: PlanItem, rnd: random.Random, today: dt.date, user: object, later: Plan | None) -> None:
    """Items past their month are marked: mostly done, some moved, some not done or cancelled."""
    roll = rnd.random()
    if roll < 0.72:
        done_on = min(item.due_date - dt.timedelta(days=rnd.randint(0, 12)), today)
        mark_done(item, done_on, "Рассмотрено, принято к сведению", user)
    elif roll < 0.82 and later is not None:
        month = rnd.choice(later.months)
        move_item(item, later, "Не готовы материалы: перенесено на следующий квартал", planned_month=month, user=user)
    elif roll < 0.92:
        mark_not_done(item, "Не подготовлен проект документа в срок", user)
    else:
        mark_cancelled(item, "Вопрос снят с рассмотрения: изменилось законодательство", user)


def load_demo_plans() -> int:
    """This year's plans (annual and four quarters) and next year's proposals; returns the items made."""
    today = local_today()
    year = today.year
    if db.session.scalar(select(Plan).where(Plan.period == str(year))) is not None:
        return 0
    from flask import current_app

    sm = current_app.appbuilder.sm
    coordinator, deputy, clerk = (sm.find_user(username=name) for name in ("plans", "deputy", "udkh"))
    rnd = random.Random(SEED)

    annual = create_plan(PlanKind.ANNUAL.value, year)
    open_proposals(annual)
    for number, (section, month, body, title) in enumerate(PROPOSALS):
        proposal = _proposal(annual, section, month, body, title)
        # The last one came three days late: accepted, and flagged.
        days = 3 if number == len(PROPOSALS) - 1 else -5
        submit_proposal(proposal, today=min(annual.proposals_due + dt.timedelta(days=days), today))
        agree_proposal(proposal, deputy, today=min(annual.proposals_due, today))
    include_agreed_proposals(annual)
    for section, month, body, title, form in ITEMS:
        add_item(
            annual,
            section_by_code(section),
            title,
            body_by_code(body),
            responsible_person="Руководитель органа",
            co_executors=[body_by_code("district-zavodskoy")] if section == "city_events" else [],
            planned_month=month,
            form=form or ItemForm.REPORT.value,
        )
    send_for_approval(annual)
    approve_plan(annual, "2148-р", min(dt.date(year - 1, 12, 25), today))

    quarters = []
    for quarter in range(1, 5):
        plan, _copies = build_quarter(annual, quarter)
        send_for_approval(plan)
        approve_plan(plan, f"{quarter}{year % 100}-р", min(plan.start - dt.timedelta(days=10), today))
        quarters.append(plan)
    made = len(annual.items)
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    left_unmarked = False
    for index, quarter in enumerate(quarters):
        later = quarters[index + 1] if index + 1 < len(quarters) else None
        items = db.session.scalars(select(PlanItem).where(PlanItem.plan_id == quarter.id).order_by(PlanItem.position))
        for item in list(items):
            # The current month's items, and the first of the last month's (late with its mark), stay without one.
            if item.due_date >= today.replace(day=1):
                continue
            if item.due_date >= last_month and not left_unmarked:
                left_unmarked = True
                continue
            user = clerk if item.responsible_body.code == "udkh" else coordinator
            _mark(item, rnd, today, user, later)
    made += sum(len(q.items) for q in quarters)

    following = create_plan(PlanKind.ANNUAL.value, year + 1)
    open_proposals(following)
    for section, month, body, title, submitted in NEXT_YEAR:
        proposal = _proposal(following, section, month, body, title)
        if submitted:
            submit_proposal(proposal, today=today)
    db.session.flush()
    return made


def _proposal(plan: Plan, section: str, month: int, body: str, title: str) -> PlanProposal:
    proposal = PlanProposal(
        plan=plan,
        section=section_by_code(section),
        submitted_by_body=body_by_code(body),
        responsible_body=body_by_code(body),
        responsible_person="Руководитель органа",
        title=title,
        planned_month=month,
        form=ItemForm.REPORT.value,
    )
    with db.session.no_autoflush:
        prepare_proposal(proposal)
    db.session.add(proposal)
    db.session.flush()
    return proposal
