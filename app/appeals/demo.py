"""Demo appeals: a deterministic year of realistic appeals and personal receptions (development only).

Everything goes through the services, so numbers, due dates and statuses are what the
real workflow would have produced. Same seed and same "today" → same data.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from ..core.dates import local_today
from ..extensions import db
from ..org.services import body_by_code, district_by_code
from .models import Appeal, AppealKind, QuestionType
from .receptions import Reception, ReceptionFormat, add_visit, register_appeal_from_visit
from .reference.classifier import assignable_codes
from .reference.models import AppealResult, Channel, ClosureReason, PosCategory
from .services import (
    QuestionInput,
    answer_appeal,
    assign_executor,
    close_without_answer,
    extend_appeal,
    forward_appeal,
    register_appeal,
    send_copies,
    set_result,
    withdraw_appeal,
)


@dataclass(frozen=True)
class Topic:
    code: str
    body: str  # the responsible body's code
    weight: int
    summaries: tuple[str, ...]


#: Roughly the customer's mix: housing and utilities first, then roads and improvement.
TOPICS = [
    Topic("0005.0005.0056.1156", "kgkh", 9, ("Нет отопления в квартире, {street}", "Холодные батареи, {street}")),
    Topic("0005.0005.0056.1154", "kgkh", 5, ("Нет горячей воды, {street}", "Перебои с водоснабжением, {street}")),
    Topic(
        "0005.0005.0056.1151",
        "kgkh",
        8,
        ("Протекает кровля многоквартирного дома, {street}", "Ремонт подъезда, {street}"),
    ),
    Topic("0005.0005.0056.1149", "kgkh", 4, ("Несогласие с начислением платы за отопление",)),
    Topic("0005.0005.0056.1160", "kgkh", 5, ("Не вывозится мусор с контейнерной площадки, {street}",)),
    Topic("0005.0005.0055.1122", "uzhil", 5, ("Переселение из аварийного дома, {street}",)),
    Topic("0005.0005.0055.1127", "uzhil", 3, ("Постановка на учёт в качестве нуждающихся в жилом помещении",)),
    Topic("0003.0009.0099.0742", "udkh", 8, ("Ямы на проезжей части, {street}", "Ремонт дороги, {street}")),
    Topic("0003.0009.0097.0694", "udkh", 6, ("Не убран снег во дворе, {street}", "Наледь на тротуаре, {street}")),
    Topic("0003.0009.0097.0690", "udkh", 4, ("Не работает уличное освещение, {street}",)),
    Topic("0003.0009.0097.0698", "udkh", 3, ("Установка детской площадки во дворе, {street}",)),
    Topic("0003.0009.0097.0692", "udkh", 2, ("Спил аварийных деревьев, {street}",)),
    Topic("0003.0009.0099.0733", "transport", 5, ("Увеличить число автобусов на маршруте № {route}",)),
    Topic("0003.0011.0127.0866", "udkh", 2, ("Отлов безнадзорных собак, {street}",)),
    Topic("0002.0013.0139.0000", "kon", 3, ("Место в детском саду для ребёнка",)),
    Topic("0002.0007.0073.0000", "kszn", 3, ("Материальная помощь семье в трудной жизненной ситуации",)),
    Topic("0003.0009.0104.0779", "udkh", 1, ("Содержание кладбища, подъездная дорога",)),
]

#: Channel codes and how often appeals arrive through them.
CHANNEL_WEIGHTS = {
    "letter": 24,
    "website": 18,
    "pos": 20,
    "kuzbass_online": 8,
    "email": 8,
    "social": 6,
    "hotline": 5,
    "higher_body": 6,
    "reception": 2,
}

STREETS = {
    "central": ("пр. Металлургов", "ул. Кирова", "пр. Бардина", "ул. Франкфурта", "ул. Орджоникидзе"),
    "kuznetsky": ("ул. Ленина", "ул. Обнорского", "ул. Лазо", "ул. Сеченова", "ул. Петракова"),
    "zavodskoy": ("ул. Климасенко", "ул. Тореза", "пр. Шахтёров", "ул. Ворошилова", "ул. 40 лет ВЛКСМ"),
    "kuibyshevsky": ("ул. Циолковского", "ул. Невского", "ул. Простая", "ул. Рудокопровая", "ул. Кутузова"),
    "novoilyinsky": ("пр. Авиаторов", "ул. Бугарева", "ул. Косыгина", "ул. Рябоконя", "ул. Новосёлов"),
    "ordzhonikidzevsky": ("ул. Тольятти", "ул. Народная", "ул. Шестакова", "ул. Разведчиков", "ул. Ушинского"),
}

MEN = ("Александр", "Сергей", "Владимир", "Николай", "Андрей", "Алексей", "Виктор", "Михаил", "Юрий", "Евгений")
WOMEN = ("Елена", "Ольга", "Татьяна", "Наталья", "Ирина", "Светлана", "Людмила", "Галина", "Марина", "Анна")
FATHERS = ("Иван", "Пётр", "Сергей", "Николай", "Александр", "Владимир", "Михаил", "Виктор", "Юрий", "Анатолий")
#: (male form, female form)
SURNAMES = (
    ("Иванов", "Иванова"),
    ("Петров", "Петрова"),
    ("Смирнов", "Смирнова"),
    ("Кузнецов", "Кузнецова"),
    ("Попов", "Попова"),
    ("Соколов", "Соколова"),
    ("Морозов", "Морозова"),
    ("Волков", "Волкова"),
    ("Зайцев", "Зайцева"),
    ("Павлов", "Павлова"),
    ("Семёнов", "Семёнова"),
    ("Голубев", "Голубева"),
    ("Виноградов", "Виноградова"),
    ("Богданов", "Богданова"),
    ("Медведев", "Медведева"),
    ("Шевчук", "Шевчук"),
)
HIGHER_BODIES = ("Правительство Кузбасса", "Администрация Президента РФ", "Прокуратура г. Новокузнецка")
SIGNERS = ("Кузнецов С. В., заместитель Главы города", "Морозова Е. А., начальник отдела")
#: The executor of an appeal is a clerk of its responsible body (Appeal.__links__): the demo users who are.
EXECUTOR_BY_RESPONSIBLE = {"udkh": "udkh", "district-zavodskoy": "zavodskoy", "district-central": "central"}
#: Yard improvement received by a district administration is answered by the district itself.
DISTRICT_TOPICS = {"0003.0009.0097.0694", "0003.0009.0097.0698", "0003.0009.0097.0692"}
#: Clerks of the other responsible bodies, made by the demo to execute their appeals (nobody signs in as them).
STAFF_EXECUTORS = (
    ("Алексей", "Титов"),
    ("Мария", "Егорова"),
    ("Игорь", "Белов"),
    ("Юлия", "Комарова"),
    ("Роман", "Киселёв"),
    ("Оксана", "Макарова"),
    ("Денис", "Андреев"),
    ("Вера", "Ковалёва"),
)
#: Reception days of the year: (body code, place, format).
RECEPTION_PLACES = (
    ("adm", "ул. Кирова, 71, приёмная Главы города", ReceptionFormat.OFFICE),
    ("district-zavodskoy", "ул. Тореза, 22а, администрация района", ReceptionFormat.OFFICE),
    ("district-central", "ул. Кирова, 71, каб. 101", ReceptionFormat.OFFICE),
    ("district-novoilyinsky", "пр. Авиаторов, 55, ДК «Шахтёр»", ReceptionFormat.FIELD),
    ("adm", "по видеосвязи (Госуслуги)", ReceptionFormat.VIDEO),
)


def _patronymic(father: str, female: bool) -> str:
    stem = {"Пётр": "Петр", "Николай": "Николае", "Юрий": "Юрье", "Анатолий": "Анатолье", "Сергей": "Сергее"}.get(
        father, father
    )
    if stem.endswith("е"):  # Николае-вич, Юрье-вич
        return stem + ("вна" if female else "вич")
    return stem + ("овна" if female else "ович")


def _person(rng: random.Random, district: str) -> dict[str, Any]:
    female = rng.random() < 0.6
    street = rng.choice(STREETS[district])
    house = rng.randint(1, 120)
    return {
        "applicant_last_name": rng.choice(SURNAMES)[1 if female else 0],
        "applicant_first_name": rng.choice(WOMEN if female else MEN),
        "applicant_patronymic": _patronymic(rng.choice(FATHERS), female),
        "applicant_address": f"654000, г. Новокузнецк, {street}, д. {house}, кв. {rng.randint(1, 180)}",
        "applicant_phone": f"+7 905 {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
        "problem_address": f"г. Новокузнецк, {street}, д. {house}",
    }


class _Demo:
    """One run: the random source, the reference rows and the counters of what was made."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.today = local_today()
        codes = assignable_codes()
        # A newer classifier edition may lack a topic's code: then any assignable code stands in.
        self.fallback = sorted(codes)
        self.topics = [t if t.code in codes else Topic(self.fallback[0], t.body, t.weight, t.summaries) for t in TOPICS]
        self.channels = {c.code: c for c in db.session.scalars(select(Channel))}
        self.results = {r.code: r for r in db.session.scalars(select(AppealResult))}
        self.reasons = {r.code: r for r in db.session.scalars(select(ClosureReason))}
        self.pos_categories = list(db.session.scalars(select(PosCategory).order_by(PosCategory.code)))
        #: Appeals made so far: now and then their applicant writes again on the same problem (a repeat).
        self.made: list[Appeal] = []
        sm = current_app.appbuilder.sm
        names = ("appeals", "deputy", *EXECUTOR_BY_RESPONSIBLE.values())
        self.users = {name: sm.find_user(username=name) for name in names}
        self.executors = {code: self.users.get(name) for code, name in EXECUTOR_BY_RESPONSIBLE.items()}
        self.answers = 0
        self.receptions = 0

    def appeal(self, reg_date: dt.date, number: int) -> Appeal:
        rng = self.rng
        district = rng.choice(sorted(STREETS))
        topic = rng.choices(self.topics, weights=[t.weight for t in self.topics])[0]
        channel = rng.choices(sorted(CHANNEL_WEIGHTS), weights=[CHANNEL_WEIGHTS[c] for c in sorted(CHANNEL_WEIGHTS)])[0]
        person = _person(rng, district)
        street = person["problem_address"].removeprefix("г. Новокузнецк, ")
        summary = rng.choice(topic.summaries).format(street=street, route=rng.randint(1, 90))
        # District administrations receive about a third of the appeals directly.
        receiving = f"district-{district}" if rng.random() < 0.35 else "appeals"
        late = rng.random() < 0.03
        fields: dict[str, Any] = {"district": district_by_code(district), "reg_date": reg_date, **person}
        if rng.random() < 0.02:
            # An anonymous letter names nobody and gives no address to answer.
            anonymous = dict.fromkeys(("applicant_first_name", "applicant_patronymic", "applicant_phone"))
            fields.update(is_anonymous=True, applicant_last_name=None, applicant_address=None, **anonymous)
        if rng.random() < 0.05:
            fields.update(kind=AppealKind.COLLECTIVE.value, signatories=rng.randint(3, 60))
        if channel == "higher_body":
            fields.update(
                came_from=rng.choice(HIGHER_BODIES),
                came_from_number=f"{rng.randint(1, 9)}-{rng.randint(100, 9999)}",
                came_from_date=reg_date - dt.timedelta(days=rng.randint(3, 8)),
            )
        if channel == "pos":
            fields["pos_external_id"] = f"ПОС-{reg_date:%Y%m%d}-{number:05d}"
            if self.pos_categories:
                fields["pos_category"] = rng.choice(self.pos_categories)
        if self.made and rng.random() < 0.06:
            earlier = rng.choice(self.made)
            if not earlier.is_anonymous and earlier.district is not None:
                same = {key: getattr(earlier, key) for key in person}
                fields.update(same, district=earlier.district, is_repeat=True, previous_appeal=earlier)
        questions = [QuestionInput(topic.code, self._question_type())]
        if rng.random() < 0.12:
            extra = rng.choice([t for t in self.topics if t.code != topic.code])
            questions.append(QuestionInput(extra.code, self._question_type()))
        appeal = register_appeal(
            channel=self.channels[channel],
            received_date=reg_date - dt.timedelta(days=rng.randint(4, 6) if late else rng.randint(0, 2)),
            summary=summary,
            receiving_body=body_by_code(receiving),
            responsible_body=body_by_code(
                receiving if receiving.startswith("district-") and topic.code in DISTRICT_TOPICS else topic.body
            ),
            questions=questions,
            **fields,
        )
        self.made.append(appeal)
        return appeal

    def _question_type(self) -> str:
        roll = self.rng.random()
        if roll < 0.15:
            return QuestionType.COMPLAINT.value
        return QuestionType.PROPOSAL.value if roll < 0.25 else QuestionType.STATEMENT.value

    def _executor(self, body: str) -> Any:
        """The clerk of the responsible body who executes its appeals; made once when the demo has none."""
        if body not in self.executors:
            from ..org.services import set_profile
            from ..security import BODY_CLERK, ScopeLevel

            sm = current_app.appbuilder.sm
            username = f"demo-{body}"
            user = sm.find_user(username=username)
            if user is None:
                first, last = STAFF_EXECUTORS[len(self.executors) % len(STAFF_EXECUTORS)]
                # Not a sign-in account: a password nobody knows (the documented demo users sign in). Made
                # in this transaction: FAB's add_user would commit the demo half-way.
                user = sm.user_model(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@uprava.example",
                    active=True,
                    roles=[sm.find_role(BODY_CLERK)],
                    password=generate_password_hash(secrets.token_hex(16)),
                )
                db.session.add(user)
                db.session.flush()
            body_row = body_by_code(body)
            set_profile(user, body_row, "Специалист по работе с обращениями", ScopeLevel.BODY)
            self.executors[body] = user
        return self.executors[body]

    def work(self, appeal: Appeal) -> None:
        """Move the appeal along as its age allows: most older ones answered, some still open."""
        rng = self.rng
        reg = appeal.reg_date
        age = (self.today - reg).days
        roll = rng.random()
        if appeal.is_anonymous:
            self._close(appeal, "anonymous_no_answer", reg + dt.timedelta(days=2))
            return
        executor = self._executor(appeal.responsible_body.code)
        if executor is not None and age > 1:
            assign_executor(appeal, executor)
        if roll < 0.04 and age > 10:
            # Outside the administration: the appeal is closed for us (a few of them late).
            forward_appeal(appeal, body_by_code("kuzbass-gov"), reg + dt.timedelta(days=rng.randint(1, 9)))
            return
        if roll < 0.08 and age > 10:
            reason = rng.choice(["abusive", "unreadable", "no_essence", "answer_published"])
            self._close(appeal, reason, reg + dt.timedelta(days=rng.randint(3, 7)))
            return
        if roll < 0.09 and age > 5:
            withdraw_appeal(appeal, reg + dt.timedelta(days=rng.randint(2, 5)))
            return
        if roll < 0.12 and age > 10 and appeal.responsible_body.code != "kgkh":
            # Part of the questions concern housing: a copy goes to the housing committee.
            send_copies(appeal, [body_by_code("kgkh")], reg + dt.timedelta(days=rng.randint(1, 9)))
        if roll < 0.15 and age > 25:
            extend_appeal(appeal, 30, "Запрос документов в другом органе (ч. 2 ст. 10 № 59-ФЗ)", reg + dt.timedelta(25))
        answer_chance = 0.7 if appeal.due_date < self.today else 0.25
        answered_on = reg + dt.timedelta(days=rng.randint(5, (appeal.due_date - reg).days + 6))
        if rng.random() < answer_chance and answered_on <= self.today:
            self._answer(appeal, answered_on)

    def _close(self, appeal: Appeal, reason: str, on: dt.date) -> None:
        close_without_answer(appeal, self.reasons[reason], min(on, self.today))

    def _answer(self, appeal: Appeal, on: dt.date) -> None:
        results = sorted(self.results)
        for question in appeal.questions:
            result = self.results[self.rng.choices(results, weights=[3, 2, 4, 1][: len(results)])[0]]
            set_result(question, result)
        self.answers += 1
        answer_appeal(appeal, f"01-21/{self.answers}", on, "post", self.rng.choice(SIGNERS))

    def reception(self, date: dt.date) -> None:
        # The demo has no Head or district-head accounts: the deputy head holds every reception day.
        official = self.users.get("deputy") or self.users.get("appeals")
        if official is None:
            return
        body, place, form = RECEPTION_PLACES[self.receptions % len(RECEPTION_PLACES)]
        self.receptions += 1
        reception = Reception(
            official=official, body=body_by_code(body), date=date, time_from="10:00", place=place, format=form.value
        )
        db.session.add(reception)
        for _ in range(self.rng.randint(2, 4)):
            district = self.rng.choice(sorted(STREETS))
            person = _person(self.rng, district)
            topic = self.rng.choices(self.topics, weights=[t.weight for t in self.topics])[0]
            oral = self.rng.random() < 0.6
            street = person["problem_address"].removeprefix("г. Новокузнецк, ")
            summary = self.rng.choice(topic.summaries).format(street=street, route=self.rng.randint(1, 90))
            visit = add_visit(
                reception,
                visitor_last_name=person["applicant_last_name"],
                visitor_first_name=person["applicant_first_name"],
                visitor_patronymic=person["applicant_patronymic"],
                visitor_address=person["applicant_address"],
                visitor_phone=person["applicant_phone"],
                classifier_code=topic.code,
                questions=summary,
                oral_answer_given=oral,
                answer="Даны разъяснения о порядке и сроках выполнения работ" if oral else None,
            )
            if not oral:
                register_appeal_from_visit(visit, reception.body, summary, reg_date=date)


def load_demo_appeals(count: int = 450, seed: int = 2026) -> int:
    """Register a year of demo appeals (≤ 500 records with the receptions' ones) and a few receptions; idempotent.

    Returns the number of appeals created (those registered from reception visits included).
    """
    if db.session.scalar(select(Appeal.id).limit(1)) is not None:
        return 0
    demo = _Demo(seed)
    start = demo.today - dt.timedelta(days=365)
    # Registered in date order, so that numbers grow with the registration date as in real life.
    events = [(start + dt.timedelta(days=demo.rng.randint(0, 364)), "appeal") for _ in range(count)]
    events += [(start + dt.timedelta(days=30 * month + 14), "reception") for month in range(12)]
    events.sort()
    for number, (date, kind) in enumerate(events, start=1):
        if kind == "reception":
            demo.reception(date)
        else:
            demo.work(demo.appeal(date, number))
    db.session.flush()
    return len(db.session.scalars(select(Appeal.id)).all())
