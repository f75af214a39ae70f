"""The housing register (ЖК РФ ст. 49–57, 68-ОЗ): household cases, list periods, premises, decisions.

A household's place in a waiting list is never stored: it is computed (app/housing/queue.py) from
its list periods — one row per stay of a household in one list, opened and closed by the effective
dates of decisions (register, change list, restore by court open one; remove, provide, change list
close it). «Who stood where on 01.01.2025» reads those dates, never the change log.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.dates import utcnow
from ..core.export_reads import reads_columns
from ..core.filters import normalize_text
from ..core.inputs import BIRTH_DATES, HISTORIC_DATES, DateWindow
from ..core.models import AnnulableMixin, VersionedMixin, current_indexes
from ..org.models import Body, District
from ..security import Scope


def _in(column: str, values: type[enum.StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


#: Dates of a long-running register: applications and queue dates from before 2005 are kept (189-ФЗ ст. 6).
AFTER_APPLICATION = DateWindow(
    earliest=HISTORIC_DATES.earliest, not_before="application_date", not_before_label=_l("даты заявления")
)
AFTER_DECISION = DateWindow(
    earliest=HISTORIC_DATES.earliest, not_before="decision_date", not_before_label=_l("даты решения")
)


# ---- reference data -------------------------------------------------------------------------------


class ListType(VersionedMixin, Model):
    """A waiting list (список очерёдности): general, out-of-turn under ЖК ст. 57 ч. 2, legacy, local."""

    __tablename__ = "housing_list_type"
    __label__ = _l("Список очерёдности")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    basis: Mapped[str | None] = mapped_column(String(255))
    #: Out-of-turn lists (ст. 57 ч. 2) are queues of their own, never merged with the general one.
    is_out_of_turn: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Kept from before 01.03.2005 (189-ФЗ ст. 6): nobody new is put on it.
    is_legacy: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return self.name


class GroundKind(enum.StrEnum):
    NEED = "need"  # ст. 51: why a household needs housing
    REFUSAL = "refusal"  # ст. 54: why registration is refused
    REMOVAL = "removal"  # ст. 56: why a household is removed from the register


class Ground(VersionedMixin, Model):
    """A legal ground: of need (ст. 51), of a refusal (ст. 54) or of a removal (ст. 56)."""

    __tablename__ = "housing_ground"
    __label__ = _l("Основание (ЖК РФ)")
    __table_args__ = (UniqueConstraint("kind", "code"), CheckConstraint(_in("kind", GroundKind), name="kind"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), info={"code": True})
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(500))
    article: Mapped[str | None] = mapped_column(String(128))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"{self.name} ({self.article})" if self.article else self.name


class FundCategory(VersionedMixin, Model):
    """A category of the housing fund (ЖК ст. 19, 92): social use, each specialised kind, commercial."""

    __tablename__ = "housing_fund_category"
    __label__ = _l("Категория жилищного фонда")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(48), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    article: Mapped[str | None] = mapped_column(String(128))
    is_specialised: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return self.name


class DecisionEffect(enum.StrEnum):
    """What a decision does to the register (a decision type's name and basis are data; its effect is code)."""

    REGISTER = "register"
    REFUSE = "refuse"
    REMOVE = "remove"
    PROVIDE = "provide"
    CHANGE_LIST = "change_list"
    RESTORE = "restore"


class DecisionType(VersionedMixin, Model):
    """A kind of housing decision: its name, effect, default legal basis and, for provision, the fund."""

    __tablename__ = "housing_decision_type"
    __label__ = _l("Вид решения")
    __table_args__ = (CheckConstraint(_in("effect", DecisionEffect), name="effect"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(48), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    effect: Mapped[str] = mapped_column(String(16), info={"code": True})
    basis: Mapped[str | None] = mapped_column(String(500))
    #: Provision from these fund categories only (codes, comma-separated; empty: any).
    fund_categories: Mapped[str | None] = mapped_column(String(500))
    #: Provision ends the registration (social tenancy); manoeuvre housing is temporary and does not.
    ends_registration: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return self.name

    def allowed_fund_codes(self) -> set[str]:
        return {code.strip() for code in (self.fund_categories or "").split(",") if code.strip()}


class NormKind(enum.StrEnum):
    ACCOUNTING = "accounting"  # учётная норма (ЖК ст. 50 ч. 4)
    PROVISION = "provision"  # норма предоставления (ЖК ст. 50 ч. 2)
    MANOEUVRE = "manoeuvre"  # не менее … м² на человека в манёвренном фонде (ЖК ст. 106)


class HousingNorm(VersionedMixin, Model):
    """A local norm (m² per person) set by an act: the norm in force on a date is the latest before it."""

    __tablename__ = "housing_norm"
    __label__ = _l("Норма площади")
    __table_args__ = (
        UniqueConstraint("kind", "valid_from"),
        CheckConstraint(_in("kind", NormKind), name="kind"),
        CheckConstraint("value_m2 > 0", name="value_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), info={"code": True})
    value_m2: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    valid_from: Mapped[dt.date] = mapped_column(Date, info={"date_window": HISTORIC_DATES})
    act: Mapped[str] = mapped_column(String(500))

    def __repr__(self) -> str:
        return f"{self.value_m2} м² с {self.valid_from:%d.%m.%Y}"


# ---- the household case ---------------------------------------------------------------------------


class HouseholdStatus(enum.StrEnum):
    """DOMAIN.md D.5: received → under review → on the register | refused; on → provided | removed."""

    RECEIVED = "received"  # the documents are not complete yet: the 30 working days have not started
    UNDER_REVIEW = "under_review"
    ON_REGISTER = "on_register"
    REFUSED = "refused"
    REMOVED = "removed"
    PROVIDED = "provided"


AWAITING_STATUSES = (HouseholdStatus.RECEIVED, HouseholdStatus.UNDER_REVIEW)

household_ground = Table(
    "housing_household_ground",
    Model.metadata,
    Column("household_id", ForeignKey("housing_household.id", ondelete="CASCADE"), primary_key=True),
    Column("ground_id", ForeignKey("housing_ground.id"), primary_key=True),
)
#: The lists a household stands in now: kept by the services beside the list periods (search and lists).
household_list = Table(
    "housing_household_list",
    Model.metadata,
    Column("household_id", ForeignKey("housing_household.id", ondelete="CASCADE"), primary_key=True),
    Column("list_type_id", ForeignKey("housing_list_type.id"), primary_key=True, index=True),
)


class Household(AnnulableMixin, VersionedMixin, Model):
    """A household case (учётное дело): the application, the applicant, the family, the need, the status."""

    __tablename__ = "housing_household"
    __label__ = _l("Учётное дело")
    # Applications are filed with the district administrations: their clerks work the cases of their
    # district (or registered by them); the city's housing department sees all (a city-wide profile).
    __scope__ = Scope(bodies=("registering_body",), districts=("district",))
    #: Scans of the application and the documents (personal data like the case).
    __attachments__ = True
    __personal__ = (
        "applicant_last_name",
        "applicant_first_name",
        "applicant_patronymic",
        "applicant_birth_date",
        "applicant_snils",
        "applicant_passport",
        "address",
        "phone",
        "applicant_search",
    )
    __search_shadow__ = {
        "applicant_last_name": "applicant_search",
        "applicant_first_name": "applicant_search",
        "applicant_patronymic": "applicant_search",
        "address": "applicant_search",
    }
    __search_labels__ = {"applicant_search": _l("Заявитель: ФИО или адрес")}
    __table_args__ = (
        UniqueConstraint("application_year", "application_seq"),
        CheckConstraint(_in("status", HouseholdStatus), name="status"),
        *current_indexes(
            "ix_housing_household_current",
            (
                ("application", ("application_date", "id")),
                ("status", ("status", "application_date", "id")),
                ("district", ("district_id", "application_date", "id")),
                ("body", ("registering_body_id", "application_date", "id")),
                ("due", ("decision_due_date", "id")),
                ("queue_date", ("queue_date", "id")),
            ),
        ),
        Index(
            "ix_housing_household_applicant_search",
            "applicant_search",
            postgresql_using="gin",
            postgresql_ops={"applicant_search": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The application book (книга регистрации заявлений): app/core/numbering, per local year.
    application_number: Mapped[str] = mapped_column(String(32), unique=True)
    application_year: Mapped[int] = mapped_column(Integer)
    application_seq: Mapped[int] = mapped_column(Integer)
    application_date: Mapped[dt.date] = mapped_column(Date, info={"date_window": HISTORIC_DATES})
    #: When the application was filed (stored UTC): the second key of the queue order.
    application_time: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    #: The complete set of documents: the 30 working days to decide run from here (ЖК ст. 52 ч. 5).
    documents_complete_on: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": AFTER_APPLICATION})
    documents_submitted: Mapped[str | None] = mapped_column(Text)
    registering_body_id: Mapped[int] = mapped_column(ForeignKey("org_body.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("org_district.id"), index=True)

    applicant_last_name: Mapped[str] = mapped_column(String(100))
    applicant_first_name: Mapped[str] = mapped_column(String(100))
    applicant_patronymic: Mapped[str | None] = mapped_column(String(100))
    applicant_birth_date: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": BIRTH_DATES})
    applicant_snils: Mapped[str | None] = mapped_column(String(14))
    applicant_passport: Mapped[str | None] = mapped_column(String(255))
    address: Mapped[str] = mapped_column(String(500))
    phone: Mapped[str | None] = mapped_column(String(64))
    #: Name and address, normalised (lower case, ё → е): the search column, kept by the model.
    applicant_search: Mapped[str | None] = mapped_column(String(1000))

    is_low_income: Mapped[bool] = mapped_column(Boolean, default=False)
    current_area: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    #: The applicant and the current members (kept by the services).
    family_size: Mapped[int] = mapped_column(Integer, default=1)
    area_per_person: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))

    status: Mapped[str] = mapped_column(String(16), default=HouseholdStatus.RECEIVED.value, info={"code": True})
    #: The queue date of the first registration (the general list's; each list period keeps its own).
    queue_date: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": HISTORIC_DATES})
    #: A decision the law's term runs for: registration (from the complete documents) or removal
    #: (from the discovery of its ground); None when no decision is pending.
    decision_due_date: Mapped[dt.date | None] = mapped_column(Date)
    decision_due_unconfirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    removal_ground_id: Mapped[int | None] = mapped_column(ForeignKey("housing_ground.id"))
    removal_ground_found_on: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": HISTORIC_DATES})
    last_reregistration_on: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": HISTORIC_DATES})
    #: Restored on the register by a court (keeps the original queue date).
    restored_by_court: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)

    registering_body: Mapped[Body] = relationship(foreign_keys=[registering_body_id])
    district: Mapped[District] = relationship(foreign_keys=[district_id])
    removal_ground: Mapped[Ground | None] = relationship(foreign_keys=[removal_ground_id])
    grounds: Mapped[list[Ground]] = relationship(secondary=household_ground, order_by="Ground.sort_order")
    lists: Mapped[list[ListType]] = relationship(secondary=household_list, order_by="ListType.sort_order")
    members: Mapped[list[HouseholdMember]] = relationship(
        back_populates="household", cascade="all, delete-orphan", order_by="HouseholdMember.id"
    )
    entries: Mapped[list[QueueEntry]] = relationship(
        back_populates="household",
        cascade="all, delete-orphan",
        order_by="QueueEntry.id",
        foreign_keys="QueueEntry.household_id",
    )

    def __repr__(self) -> str:
        return self.application_number

    @property
    def applicant_name(self) -> str:
        parts = (self.applicant_last_name, self.applicant_first_name, self.applicant_patronymic)
        return " ".join(p for p in parts if p)

    @property
    def is_awaiting(self) -> bool:
        return self.status in {s.value for s in AWAITING_STATUSES} or self.removal_ground_id is not None

    @reads_columns("decision_due_date")
    def decision_state(self) -> tuple[dt.date | None, dt.date | None]:
        """(due date of the pending decision, None): the list's deadline colour."""
        return self.decision_due_date, None

    @property
    def queue_positions(self) -> str:
        """«Общий список — 125; …» today: a list page fills it for all its rows at once (views.HouseholdInterface)."""
        cached = self.__dict__.get("_queue_positions")
        if cached is None:
            from .queue import positions_of

            positions = positions_of(self.id) if self.id is not None else []
            cached = self.__dict__["_queue_positions"] = "; ".join(p.text for p in positions) or "—"
        return cached

    def current_members(self) -> list[HouseholdMember]:
        return [m for m in self.members if m.left_on is None]

    @staticmethod
    def search_text(*parts: str | None) -> str | None:
        joined = " ".join(p for p in parts if p)
        return normalize_text(joined) if joined else None


@event.listens_for(Household, "before_insert")
@event.listens_for(Household, "before_update")
def _fill_household_search(_mapper: Any, _connection: Any, household: Household) -> None:
    household.applicant_search = Household.search_text(
        household.applicant_last_name, household.applicant_first_name, household.applicant_patronymic, household.address
    )


class Relation(enum.StrEnum):
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    SIBLING = "sibling"
    GRANDCHILD = "grandchild"
    GRANDPARENT = "grandparent"
    OTHER = "other"


class HouseholdMember(VersionedMixin, Model):
    """A family member of the applicant (personal data, seen and worked as the case is)."""

    __tablename__ = "housing_member"
    __label__ = _l("Член семьи")
    __scope__ = Scope(parent="household")
    __personal__ = ("last_name", "first_name", "patronymic", "birth_date", "snils", "passport", "address", "phone")
    __table_args__ = (CheckConstraint(_in("relation", Relation), name="relation"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("housing_household.id", ondelete="CASCADE"), index=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": BIRTH_DATES})
    relation: Mapped[str] = mapped_column(String(16), default=Relation.OTHER.value, info={"code": True})
    snils: Mapped[str | None] = mapped_column(String(14))
    passport: Mapped[str | None] = mapped_column(String(255))
    address: Mapped[str | None] = mapped_column(String(500))
    phone: Mapped[str | None] = mapped_column(String(64))
    #: Left the family (moved out, died): no longer counted in its size.
    left_on: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": HISTORIC_DATES})

    household: Mapped[Household] = relationship(back_populates="members")

    def __repr__(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    @property
    def full_name(self) -> str:
        return repr(self)


class QueueEntry(Model):
    """One stay of a household in one list: from the effective date of the decision that put it there
    to the effective date of the one that took it out (open: still there). Written by the services only.

    The order keys are copied from the case (queue date of this list, application time and number), so
    that one index answers a list's order as of any date (app/housing/queue.py).
    """

    __tablename__ = "housing_queue_entry"
    __label__ = _l("Период нахождения в списке")
    __scope__ = Scope(parent="household")
    __table_args__ = (
        Index(
            "ix_housing_queue_entry_order",
            "list_type_id",
            "queue_date",
            "application_time",
            "application_seq",
            "household_id",
            # The dates (and is_void, for SQLite to call a partial index covering: app.core.models.
            # current_index) as key columns, not PostgreSQL's INCLUDE only: SQLite reads the queue's count
            # and a deep page from the index alone too (counting 70,000 rows: 45 ms with a table read each).
            "included_on",
            "excluded_on",
            "is_void",
            sqlite_where=text("is_void = 0"),
            postgresql_where=text("NOT is_void"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("housing_household.id", ondelete="CASCADE"), index=True)
    list_type_id: Mapped[int] = mapped_column(ForeignKey("housing_list_type.id"))
    queue_date: Mapped[dt.date] = mapped_column(Date, info={"date_window": HISTORIC_DATES})
    application_time: Mapped[dt.datetime] = mapped_column(DateTime)
    application_seq: Mapped[int] = mapped_column(Integer)
    included_on: Mapped[dt.date] = mapped_column(Date, info={"date_window": HISTORIC_DATES})
    excluded_on: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": HISTORIC_DATES})
    included_by_id: Mapped[int | None] = mapped_column(ForeignKey("housing_decision.id"), index=True)
    excluded_by_id: Mapped[int | None] = mapped_column(ForeignKey("housing_decision.id"), index=True)
    #: The decision that opened it, or the case itself, was annulled: it never counted.
    is_void: Mapped[bool] = mapped_column(Boolean, default=False)

    household: Mapped[Household] = relationship(back_populates="entries", foreign_keys=[household_id])
    list_type: Mapped[ListType] = relationship()
    included_by: Mapped[HousingDecision | None] = relationship(foreign_keys=[included_by_id])
    excluded_by: Mapped[HousingDecision | None] = relationship(foreign_keys=[excluded_by_id])

    def __repr__(self) -> str:
        return f"{self.list_type} с {self.included_on:%d.%m.%Y}"

    def in_force(self, day: dt.date) -> bool:
        return not self.is_void and self.included_on <= day and (self.excluded_on is None or self.excluded_on > day)


# ---- premises ---------------------------------------------------------------------------------------


class Ownership(enum.StrEnum):
    MUNICIPAL = "municipal"
    STATE = "state"
    PRIVATE = "private"


class PremisesCondition(enum.StrEnum):
    GOOD = "good"
    NEEDS_REPAIR = "needs_repair"
    UNFIT = "unfit"
    EMERGENCY = "emergency"


class PremisesStatus(enum.StrEnum):
    """vacant → offered → occupied → vacant; any → under repair | excluded (DOMAIN.md D.5)."""

    VACANT = "vacant"
    OFFERED = "offered"
    OCCUPIED = "occupied"
    UNDER_REPAIR = "under_repair"
    EXCLUDED = "excluded"


#: Кадастровый номер: округ:район:квартал:номер (e.g. 42:30:0102003:1234).
CADASTRAL_PATTERN = r"^\d{2}:\d{2}:\d{6,7}:\d{1,7}$"


class Premises(AnnulableMixin, VersionedMixin, Model):
    """A dwelling of the municipal fund (жилое помещение): address, category, size, status, contract."""

    __tablename__ = "housing_premises"
    __label__ = _l("Жилое помещение")
    # Premises belong to a district; the city's housing department works them all, a district's
    # clerks read their district's (their role holds no write right on premises).
    __scope__ = Scope(districts=("district",))
    __attachments__ = True
    __search_shadow__ = {"full_address": "address_search", "street": "address_search"}
    __table_args__ = (
        CheckConstraint(_in("ownership", Ownership), name="ownership"),
        CheckConstraint(_in("condition", PremisesCondition), name="condition"),
        CheckConstraint(_in("status", PremisesStatus), name="status"),
        CheckConstraint("total_area > 0", name="total_area_positive"),
        CheckConstraint("rooms > 0", name="rooms_positive"),
        *current_indexes(
            "ix_housing_premises_current",
            (
                ("address", ("full_address", "id")),
                ("status", ("status", "district_id", "id")),
                ("district", ("district_id", "full_address", "id")),
            ),
        ),
        Index(
            "ix_housing_premises_address_search",
            "address_search",
            postgresql_using="gin",
            postgresql_ops={"address_search": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    street: Mapped[str] = mapped_column(String(255))
    house: Mapped[str] = mapped_column(String(32))
    building: Mapped[str | None] = mapped_column(String(32))
    apartment: Mapped[str | None] = mapped_column(String(32))
    #: «ул. Кирова, д. 5, корп. 2, кв. 10»: written by the model from the parts.
    full_address: Mapped[str] = mapped_column(String(500))
    address_search: Mapped[str | None] = mapped_column(String(500))
    district_id: Mapped[int] = mapped_column(ForeignKey("org_district.id"), index=True)
    cadastral_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    ownership: Mapped[str] = mapped_column(String(16), default=Ownership.MUNICIPAL.value, info={"code": True})
    fund_category_id: Mapped[int] = mapped_column(ForeignKey("housing_fund_category.id"), index=True)
    rooms: Mapped[int] = mapped_column(Integer, default=1)
    total_area: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    living_area: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    floor: Mapped[int | None] = mapped_column(Integer)
    condition: Mapped[str] = mapped_column(String(16), default=PremisesCondition.GOOD.value, info={"code": True})
    status: Mapped[str] = mapped_column(String(16), default=PremisesStatus.VACANT.value, info={"code": True})
    #: Offered to (смотровой лист) or provided to.
    offered_to_id: Mapped[int | None] = mapped_column(ForeignKey("housing_household.id"))
    tenant_household_id: Mapped[int | None] = mapped_column(ForeignKey("housing_household.id"), index=True)
    contract_number: Mapped[str | None] = mapped_column(String(64))
    contract_date: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": HISTORIC_DATES})

    district: Mapped[District] = relationship()
    fund_category: Mapped[FundCategory] = relationship()
    offered_to: Mapped[Household | None] = relationship(foreign_keys=[offered_to_id])
    tenant_household: Mapped[Household | None] = relationship(foreign_keys=[tenant_household_id])

    def __repr__(self) -> str:
        return self.full_address

    @staticmethod
    def address_text(street: str | None, house: str | None, building: str | None, apartment: str | None) -> str:
        """The normalised full address: «ул. Кирова, д. 5, корп. 2, кв. 10»."""
        parts = [(street or "").strip()]
        if house:
            parts.append(f"д. {house.strip()}")
        if building:
            parts.append(f"корп. {building.strip()}")
        if apartment:
            parts.append(f"кв. {apartment.strip()}")
        return ", ".join(p for p in parts if p)


@event.listens_for(Premises, "before_insert")
@event.listens_for(Premises, "before_update")
def _fill_premises_address(_mapper: Any, _connection: Any, premises: Premises) -> None:
    premises.full_address = Premises.address_text(
        premises.street, premises.house, premises.building, premises.apartment
    )
    premises.address_search = normalize_text(premises.full_address)


# ---- decisions and certificates ----------------------------------------------------------------------


class HandoverMethod(enum.StrEnum):
    IN_PERSON = "in_person"
    POST = "post"
    EMAIL = "email"
    EPGU = "epgu"


class HousingDecision(AnnulableMixin, VersionedMixin, Model):
    """A decision on a household (register, refuse, remove, provide, change list, restore): it takes effect
    on its date. The applicant's name and address are those of the day it was taken (a legal paper)."""

    __tablename__ = "housing_decision"
    __label__ = _l("Решение по учётному делу")
    __scope__ = Scope(parent="household")
    #: The signed decision's scan.
    __attachments__ = True
    __personal__ = ("applicant_name", "address", "applicant_search")
    __search_shadow__ = {"applicant_name": "applicant_search", "address": "applicant_search"}
    __search_labels__ = {"applicant_search": _l("Заявитель: ФИО или адрес")}
    __table_args__ = (
        UniqueConstraint("number_year", "number_seq"),
        CheckConstraint(_in("handover_method", HandoverMethod), name="handover_method"),
        *current_indexes(
            "ix_housing_decision_current",
            (
                ("date", ("decision_date", "id")),
                ("type", ("decision_type_id", "decision_date", "id")),
                ("district", ("district_id", "decision_date", "id")),
                ("handover", ("handed_over_on", "handover_due", "id")),
            ),
        ),
        Index(
            "ix_housing_decision_applicant_search",
            "applicant_search",
            postgresql_using="gin",
            postgresql_ops={"applicant_search": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    number_year: Mapped[int] = mapped_column(Integer)
    number_seq: Mapped[int] = mapped_column(Integer)
    decision_date: Mapped[dt.date] = mapped_column(Date, info={"date_window": HISTORIC_DATES})
    decision_type_id: Mapped[int] = mapped_column(ForeignKey("housing_decision_type.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("housing_household.id"), index=True)
    issuing_body_id: Mapped[int] = mapped_column(ForeignKey("org_body.id"), index=True)
    #: The list a registration, a change of list or a restoration puts the household in.
    list_type_id: Mapped[int | None] = mapped_column(ForeignKey("housing_list_type.id"))
    #: The list a change of list takes it out of (none: the new list is added to the others).
    from_list_type_id: Mapped[int | None] = mapped_column(ForeignKey("housing_list_type.id"))
    #: The queue date in the new list (a registration: the decision's date unless the act says otherwise).
    queue_date: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": HISTORIC_DATES})
    premises_id: Mapped[int | None] = mapped_column(ForeignKey("housing_premises.id"), index=True)
    ground_id: Mapped[int | None] = mapped_column(ForeignKey("housing_ground.id"))
    basis: Mapped[str | None] = mapped_column(String(500))
    protocol: Mapped[str | None] = mapped_column(String(255))
    #: The term the decision answered (30 working days), for the journal: on time or late.
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    #: Issued or sent to the citizen within 3 working days (ЖК ст. 52 ч. 6, 54, 56, 57).
    handover_due: Mapped[dt.date] = mapped_column(Date)
    handed_over_on: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": AFTER_DECISION})
    handover_method: Mapped[str | None] = mapped_column(String(16), info={"code": True})
    district_id: Mapped[int] = mapped_column(ForeignKey("org_district.id"), index=True)
    applicant_name: Mapped[str] = mapped_column(String(310))
    address: Mapped[str | None] = mapped_column(String(500))
    applicant_search: Mapped[str | None] = mapped_column(String(1000))
    notes: Mapped[str | None] = mapped_column(Text)

    decision_type: Mapped[DecisionType] = relationship()
    household: Mapped[Household] = relationship(foreign_keys=[household_id])
    issuing_body: Mapped[Body] = relationship(foreign_keys=[issuing_body_id])
    list_type: Mapped[ListType | None] = relationship(foreign_keys=[list_type_id])
    from_list_type: Mapped[ListType | None] = relationship(foreign_keys=[from_list_type_id])
    premises: Mapped[Premises | None] = relationship(foreign_keys=[premises_id])
    ground: Mapped[Ground | None] = relationship(foreign_keys=[ground_id])
    district: Mapped[District] = relationship(foreign_keys=[district_id])

    def __repr__(self) -> str:
        return f"{self.number} от {self.decision_date:%d.%m.%Y}"

    @property
    def effect(self) -> DecisionEffect:
        return DecisionEffect(self.decision_type.effect)

    @reads_columns("handover_due", "handed_over_on")
    def handover_state(self) -> tuple[dt.date, dt.date | None]:
        return self.handover_due, self.handed_over_on


@event.listens_for(HousingDecision, "before_insert")
@event.listens_for(HousingDecision, "before_update")
def _fill_decision_search(_mapper: Any, _connection: Any, decision: HousingDecision) -> None:
    decision.applicant_search = Household.search_text(decision.applicant_name, decision.address)


class QueueCertificate(VersionedMixin, Model):
    """A certificate of the queue position as of a date (справка об очерёдности): positions as computed
    when it was issued, numbered, printed from here again."""

    __tablename__ = "housing_certificate"
    __label__ = _l("Справка об очерёдности")
    __scope__ = Scope(parent="household")
    __personal__ = ("applicant_name",)
    __table_args__ = (UniqueConstraint("number_year", "number_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    number_year: Mapped[int] = mapped_column(Integer)
    number_seq: Mapped[int] = mapped_column(Integer)
    household_id: Mapped[int] = mapped_column(ForeignKey("housing_household.id"), index=True)
    as_of: Mapped[dt.date] = mapped_column(Date, info={"date_window": HISTORIC_DATES})
    issued_on: Mapped[dt.date] = mapped_column(Date)
    applicant_name: Mapped[str] = mapped_column(String(310))
    #: «Общий список — 125-й; …»: the positions as of the date, one line per list.
    positions: Mapped[str] = mapped_column(Text)

    household: Mapped[Household] = relationship()

    def __repr__(self) -> str:
        return f"{self.number} на {self.as_of:%d.%m.%Y}"
