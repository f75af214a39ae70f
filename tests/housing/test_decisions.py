"""Decisions: the law's terms from the rule table (working days, holidays), the case's state machine,
providing housing in one transaction, numbers from the journals, norms in force on a date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from app.core.calendar.models import DeadlineRule
from app.core.errors import ValidationFailed
from app.extensions import db
from app.housing.models import (
    GroundKind,
    HouseholdMember,
    HouseholdStatus,
    HousingDecision,
    HousingNorm,
    NormKind,
    Premises,
    PremisesStatus,
)
from app.housing.queue import positions_of
from app.housing.services import (
    IllegalDecision,
    PremisesTaken,
    add_member,
    check_household,
    check_member,
    complete_documents,
    decision_type_by_code,
    ground_by_code,
    hand_over,
    normalise_snils,
    note_removal_ground,
    recount_family,
    take_decision,
)

from .factories import at, case, on_register, premises, provide, register, remove

D = dt.date


# ---- terms ------------------------------------------------------------------------------------------


def test_registration_decision_is_due_30_working_days_after_the_complete_documents_over_the_may_holidays(
    officer_ctx,
):
    household = case("Майская", filed=at(D(2025, 4, 28)))
    # 1–4 and 8–11 May and 12 June are days off: 30 working days from 28.04 end on 17.06, not on 09.06.
    assert household.status == HouseholdStatus.UNDER_REVIEW.value
    assert household.decision_due_date == D(2025, 6, 17)


def test_an_incomplete_application_starts_no_term_until_the_documents_are_complete(officer_ctx):
    household = case("Неполнова", filed=at(D(2025, 4, 28)), complete=None)
    household.documents_complete_on = None
    household.status = HouseholdStatus.RECEIVED.value
    household.decision_due_date = None
    check_household(household)
    assert household.decision_due_date is None
    complete_documents(household, D(2025, 4, 28))
    assert (household.status, household.decision_due_date) == (HouseholdStatus.UNDER_REVIEW.value, D(2025, 6, 17))


def test_a_removal_is_due_30_working_days_after_its_ground_is_discovered(officer_ctx):
    household = on_register("Выбывшая", D(2025, 1, 20))
    note_removal_ground(household, ground_by_code(GroundKind.REMOVAL, "moved_away"), D(2025, 4, 30))
    assert household.decision_due_date == D(2025, 6, 19)
    decision = remove(household, D(2025, 5, 20), ground="moved_away")
    assert decision.due_date == D(2025, 6, 19)
    assert household.decision_due_date is None and household.removal_ground is None


def test_the_decision_is_handed_over_within_3_working_days_over_the_holidays(officer_ctx):
    household = case("Выдачина", filed=at(D(2025, 4, 28)))
    decision = register(household, D(2025, 5, 7))
    # 8–11 May are days off: 12, 13, 14 May.
    assert decision.handover_due == D(2025, 5, 14)
    assert decision.handover_state() == (D(2025, 5, 14), None)
    hand_over(decision, D(2025, 5, 13), "in_person")
    assert decision.handover_state() == (D(2025, 5, 14), D(2025, 5, 13))


def test_the_terms_are_the_rule_tables_not_the_codes(officer_ctx):
    rule = db.session.scalar(select(DeadlineRule).where(DeadlineRule.code == "housing_decision"))
    assert (rule.amount, rule.unit) == (30, "working_days")
    rule.amount = 20
    db.session.flush()
    household = case("Новаправила", filed=at(D(2025, 4, 28)))
    assert household.decision_due_date == D(2025, 5, 30)


# ---- the case's state machine -------------------------------------------------------------------------


def test_a_refusal_needs_a_ground_of_article_54_and_closes_the_case(officer_ctx):
    household = case("Отказова")
    with pytest.raises(ValidationFailed, match=r"ст\. 54"):
        take_decision(household, decision_type_by_code("refuse"), D(2025, 3, 20))
    db.session.rollback()
    household = case("Отказова")
    decision = take_decision(
        household,
        decision_type_by_code("refuse"),
        D(2025, 3, 20),
        ground=ground_by_code(GroundKind.REFUSAL, "no_documents"),
    )
    assert household.status == HouseholdStatus.REFUSED.value and household.decision_due_date is None
    assert decision.due_date == D(2025, 4, 14)
    with pytest.raises(IllegalDecision, match="Отказано в принятии на учёт"):
        register(household, D(2025, 3, 21))


def test_removal_needs_a_case_on_the_register(officer_ctx):
    household = case("Незарегистрирова")
    with pytest.raises(IllegalDecision):
        remove(household, D(2025, 4, 1))


def test_registration_needs_a_ground_of_need(officer_ctx):
    household = case("Безоснований", grounds=())
    with pytest.raises(ValidationFailed, match="основание нуждаемости"):
        register(household, D(2025, 3, 20))


def test_a_decision_is_never_dated_before_the_previous_one(officer_ctx):
    household = case("Последова", filed=at(D(2025, 3, 3)))
    register(household, D(2025, 3, 20))
    with pytest.raises(ValidationFailed, match="раньше последнего решения"):
        remove(household, D(2025, 3, 19))


def test_numbers_come_from_the_journals_per_year(officer_ctx):
    first = case("Первая", filed=at(D(2025, 3, 3)))
    second = case("Вторая", filed=at(D(2025, 3, 4)))
    old = case("Прошлогодняя", filed=at(D(2024, 12, 30)))
    assert [first.application_number, second.application_number, old.application_number] == [
        "Ж-2025-00001",
        "Ж-2025-00002",
        "Ж-2024-00001",
    ]
    assert register(first, D(2025, 3, 20)).number == "РЖ-2025-00001"
    assert register(second, D(2025, 3, 20)).number == "РЖ-2025-00002"


# ---- norms in force on a date ------------------------------------------------------------------------


def test_below_the_norm_is_judged_by_the_norm_in_force_on_the_decisions_day(officer_ctx):
    household = case("Тесновa", grounds=("below_norm",), current_area=Decimal("26.00"))
    household.members.append(HouseholdMember(last_name="Теснов", first_name="Иван", relation="spouse"))
    recount_family(household)
    assert (household.family_size, household.area_per_person) == (2, Decimal("13.00"))
    # 13 m² per person is not below the 12 m² norm of 2005…
    with pytest.raises(ValidationFailed, match=r"учётной нормы 12\.00"):
        register(household, D(2025, 3, 20))
    db.session.rollback()
    household = case("Тесновa", grounds=("below_norm",), current_area=Decimal("13.00"))
    # …but the council raised it to 14 m² from 01.03.2025: a decision from that day finds the family in need.
    norm = HousingNorm(kind=NormKind.ACCOUNTING.value, value_m2=Decimal("14"), valid_from=D(2025, 3, 1), act="Р")
    db.session.add(norm)
    db.session.flush()
    register(household, D(2025, 3, 20))
    assert household.status == HouseholdStatus.ON_REGISTER.value


# ---- providing housing: one transaction, one family per flat -----------------------------------------------


def test_providing_housing_takes_the_family_off_the_list_occupies_the_flat_and_writes_the_decision(officer_ctx):
    household = on_register("Новоселова", D(2024, 3, 1))
    flat = premises()
    decision = provide(household, flat, D(2025, 5, 7))
    assert household.status == HouseholdStatus.PROVIDED.value
    assert positions_of(household.id) == []
    assert (flat.status, flat.tenant_household_id) == (PremisesStatus.OCCUPIED.value, household.id)
    assert (decision.premises_id, decision.handover_due) == (flat.id, D(2025, 5, 14))
    assert [e.excluded_by_id for e in household.entries] == [decision.id]


def test_a_flat_already_provided_cannot_be_provided_again_and_nothing_of_the_second_decision_is_kept(officer_ctx):
    first = on_register("Первосёлова", D(2024, 3, 1))
    second = on_register("Опоздалова", D(2024, 3, 2))
    flat = premises()
    provide(first, flat, D(2025, 5, 7))
    db.session.commit()
    decisions = db.session.scalar(select(func.count()).select_from(HousingDecision))
    with pytest.raises(PremisesTaken, match=r"ул\. Франкфурта, д\. 9, кв\. 41"):
        provide(second, flat, D(2025, 5, 8))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(HousingDecision)) == decisions
    assert second.status == HouseholdStatus.ON_REGISTER.value
    assert [p.position for p in positions_of(second.id)] == [1]
    assert flat.tenant_household_id == first.id


def test_a_flat_taken_by_another_transaction_since_it_was_read_is_refused(officer_ctx, app):
    household = on_register("Медленнова", D(2024, 3, 1))
    flat = premises()
    db.session.commit()
    assert flat.status == PremisesStatus.VACANT.value  # read here, before the other officer's commit
    # Another officer's transaction gives the flat away and commits.
    with db.engine.begin() as other:
        other.execute(
            update(Premises)
            .where(Premises.id == flat.id)
            .values(status=PremisesStatus.OCCUPIED.value, version=Premises.version + 1)
        )
    with pytest.raises(PremisesTaken):
        provide(household, flat, D(2025, 5, 7))
    db.session.rollback()
    assert household.status == HouseholdStatus.ON_REGISTER.value


def test_premises_of_another_fund_are_refused_and_manoeuvre_housing_keeps_the_family_on_the_list(officer_ctx):
    household = on_register("Маневренная", D(2024, 3, 1))
    manoeuvre = premises("ул. Запасная", "1", "1", fund="specialised.maneuver")
    with pytest.raises(ValidationFailed, match="манёвренный фонд"):
        provide(household, manoeuvre, D(2025, 5, 7))
    db.session.rollback()
    household = on_register("Маневренная", D(2024, 3, 1))
    manoeuvre = premises("ул. Запасная", "1", "1", fund="specialised.maneuver")
    provide(household, manoeuvre, D(2025, 5, 7), "provide_maneuver")
    assert household.status == HouseholdStatus.ON_REGISTER.value
    assert [p.position for p in positions_of(household.id)] == [1]
    assert manoeuvre.status == PremisesStatus.OCCUPIED.value


def test_annulling_a_provision_frees_the_flat_and_puts_the_family_back(officer_ctx):
    from app.core.services import annul

    household = on_register("Возвратова", D(2024, 3, 1))
    flat = premises()
    decision = provide(household, flat, D(2025, 5, 7))
    annul(decision, "Наниматель отказался от вселения")
    assert (flat.status, flat.tenant_household_id) == (PremisesStatus.VACANT.value, None)
    assert household.status == HouseholdStatus.ON_REGISTER.value
    assert [p.position for p in positions_of(household.id)] == [1]


# ---- values ---------------------------------------------------------------------------------------------


def test_snils_is_checked_by_its_control_number_and_written_one_way():
    assert normalise_snils("11223344595") == "112-233-445 95"
    assert normalise_snils(" 112 233 445 95 ") == "112-233-445 95"
    assert normalise_snils("") is None
    with pytest.raises(ValidationFailed, match="контрольное число"):
        normalise_snils("112-233-445 96")
    with pytest.raises(ValidationFailed, match="11 цифр"):
        normalise_snils("112-233")


def test_family_size_and_area_per_person_follow_the_members(officer_ctx):
    household = case("Семейная", current_area=Decimal("30.00"))
    assert (household.family_size, household.area_per_person) == (1, Decimal("30.00"))
    spouse = add_member(household, last_name="Семейный", first_name="Олег", relation="spouse")
    add_member(household, last_name="Семейная", first_name="Ася", relation="child", birth_date=D(2015, 1, 1))
    assert (household.family_size, household.area_per_person) == (3, Decimal("10.00"))
    spouse.left_on = D(2025, 6, 1)
    check_member(spouse)
    assert (household.family_size, household.area_per_person) == (2, Decimal("15.00"))
