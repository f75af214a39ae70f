"""Shipped reference data of appeals, loaded by `flask app init`; an Admin's edits are never overwritten."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from ...extensions import db
from .classifier import SHIPPED_EDITION, Table, load_edition, read_table
from .models import AppealForm, AppealResult, Channel, ClassifierEntry, ClosureReason, LegalRegime, PosCategory

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: The shipped classifier: all sections, тематики and темы, and the questions a city uses most.
SHIPPED_FILES = ("classifier_levels1-3.csv", "classifier_level4_selected.csv")


@dataclass(frozen=True)
class ChannelSeed:
    code: str
    name: str
    form: AppealForm
    legal_regime: LegalRegime
    deadline_rule_code: str


WRITTEN, ELECTRONIC, ORAL = AppealForm.WRITTEN, AppealForm.ELECTRONIC, AppealForm.ORAL
FZ59, POS, SOCIAL = LegalRegime.FZ59, LegalRegime.POS_1802, LegalRegime.SOCIAL

#: DOMAIN.md A.4. A social-network post has a regional SLA that is not in the rule table yet:
#: it gets the 59-ФЗ term until an Admin adds a rule and picks it for the channel.
CHANNELS = [
    ChannelSeed("letter", "Письменное обращение (почта, нарочно, канцелярия)", WRITTEN, FZ59, "appeal_answer"),
    ChannelSeed("website", "Виртуальная приёмная на официальном сайте", ELECTRONIC, FZ59, "appeal_answer"),
    ChannelSeed("kuzbass_online", "«Кузбасс онлайн»", ELECTRONIC, FZ59, "appeal_answer"),
    ChannelSeed("pos", "ПОС «Госуслуги. Решаем вместе»", ELECTRONIC, POS, "appeal_pos"),
    ChannelSeed("social", "Социальные сети", ELECTRONIC, SOCIAL, "appeal_answer"),
    ChannelSeed("hotline", "Телефон «горячей линии»", ORAL, FZ59, "appeal_answer"),
    ChannelSeed("reception", "Личный приём", ORAL, FZ59, "appeal_answer"),
    ChannelSeed("email", "Электронная почта", ELECTRONIC, FZ59, "appeal_answer"),
    ChannelSeed("higher_body", "Из вышестоящего органа (по компетенции)", WRITTEN, FZ59, "appeal_answer"),
]

#: (code, name, default classifier code): the top ПОС categories of DOMAIN.md A.3, each mapped
#: to a code a question may carry in the shipped edition.
POS_CATEGORIES = [
    ("zhkh", "ЖКХ", "0005.0005.0056.1147"),
    ("roads", "Дороги", "0003.0009.0099.0742"),
    ("improvement", "Благоустройство", "0003.0009.0097.0689"),
    ("public_transport", "Общественный транспорт", "0003.0009.0099.0733"),
    ("waste", "Мусор / ТКО", "0005.0005.0056.1160"),
    ("education", "Образование", "0002.0013.0139.0000"),
    ("health", "Здравоохранение", "0002.0014.0143.0000"),
    ("social_support", "Социальная поддержка", "0002.0007.0073.0000"),
    ("communication", "Связь", "0003.0009.0100.0000"),
    ("ecology", "Экология", "0003.0011.0122.0834"),
]

#: The ССТУ results of a question (DOMAIN.md A.2).
RESULTS = [
    ("supported", "Поддержано"),
    ("supported_measures", "Поддержано, в том числе меры приняты"),
    ("explained", "Разъяснено"),
    ("not_supported", "Не поддержано"),
]

#: 59-ФЗ ст. 11 (DOMAIN.md A.1 rows 15–22): (code, name, article, days to notify the applicant).
CLOSURE_REASONS = [
    (
        "anonymous_no_answer",
        "Не указаны фамилия или почтовый адрес для ответа",
        "ч. 1 ст. 11 № 59-ФЗ",
        None,
    ),
    (
        "court_decision_returned",
        "Обжалуется судебное решение: обращение возвращается с разъяснением порядка обжалования",
        "ч. 2 ст. 11 № 59-ФЗ",
        7,
    ),
    (
        "abusive",
        "Нецензурные либо оскорбительные выражения, угрозы должностному лицу или членам его семьи",
        "ч. 3 ст. 11 № 59-ФЗ",
        None,
    ),
    ("unreadable", "Текст обращения не поддаётся прочтению", "ч. 4 ст. 11 № 59-ФЗ", 7),
    ("no_essence", "Текст обращения не позволяет определить его суть", "ч. 4.1 ст. 11 № 59-ФЗ", 7),
    (
        "correspondence_terminated",
        "Переписка прекращена: повторное обращение без новых доводов",
        "ч. 5 ст. 11 № 59-ФЗ",
        None,
    ),
    (
        "answer_published",
        "Ответ на поставленный вопрос размещён на официальном сайте",
        "ч. 5.1 ст. 11 № 59-ФЗ",
        7,
    ),
    (
        "secret",
        "Ответ невозможен без разглашения государственной или иной охраняемой законом тайны",
        "ч. 6 ст. 11 № 59-ФЗ",
        None,
    ),
]


def _existing(model: type) -> set[str]:
    return set(db.session.scalars(select(model.code)))  # type: ignore[attr-defined]


def seed_reference() -> dict[str, int]:
    """Insert the reference rows missing by code and the shipped classifier if none is loaded."""
    session = db.session
    created = {"channels": 0, "pos categories": 0, "results": 0, "closure reasons": 0, "classifier codes": 0}

    known = _existing(Channel)
    for order, seed in enumerate(CHANNELS, start=1):
        if seed.code not in known:
            session.add(
                Channel(
                    code=seed.code,
                    name=seed.name,
                    form=seed.form.value,
                    legal_regime=seed.legal_regime.value,
                    deadline_rule_code=seed.deadline_rule_code,
                    is_active=True,
                    sort_order=order * 10,
                )
            )
            created["channels"] += 1

    known = _existing(PosCategory)
    for code, name, classifier_code in POS_CATEGORIES:
        if code not in known:
            session.add(PosCategory(code=code, name=name, classifier_code=classifier_code))
            created["pos categories"] += 1

    known = _existing(AppealResult)
    for order, (code, name) in enumerate(RESULTS, start=1):
        if code not in known:
            session.add(AppealResult(code=code, name=name, sort_order=order * 10))
            created["results"] += 1

    known = _existing(ClosureReason)
    for code, name, article, notice_days in CLOSURE_REASONS:
        if code not in known:
            session.add(ClosureReason(code=code, name=name, article=article, notice_days=notice_days))
            created["closure reasons"] += 1

    if session.scalar(select(ClassifierEntry.id).limit(1)) is None:
        created["classifier codes"] = seed_classifier()
    session.flush()
    return created


def seed_classifier() -> int:
    """Load the shipped classifier files as the active edition; returns the number of codes."""
    tables = [read_table((DATA_DIR / name).read_bytes(), name) for name in SHIPPED_FILES]
    combined = Table(rows=[row for t in tables for row in t.rows], headers=tables[0].headers)
    combined.problems = [problem for t in tables for problem in t.problems]
    report = load_edition(combined, SHIPPED_EDITION)
    if report.problems:
        raise RuntimeError(f"shipped classifier is invalid: {report.problems[:5]}")
    return report.total
