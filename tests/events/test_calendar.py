"""The calendar: an event on its local day, a multi-day event on each of its days across a month's end,
filters that month links keep, the week list, the user's row scope, and bad arguments as 400."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from flask import Flask

from app.events.calendar import CalendarFilter, agenda, month, month_days
from app.events.models import EventStatus
from app.events.services import cancel_event, mark_held
from app.extensions import db
from app.org.services import body_by_code, district_by_code
from tests.events.factory import event, local, programme


@pytest.fixture
def spring(app: Flask) -> dict[str, int]:
    """Events around the turn of April and May 2020 (local times, Novokuznetsk)."""
    with app.app_context():
        plan = programme()
        other = programme("sport", name="План спортивных мероприятий")
        ids = {
            "festival": event(
                plan,
                local(2020, 4, 29, 18),
                ends_at=local(2020, 5, 2, 21),
                title="Фестиваль «Весна Победы»",
                organiser="culture",
                district="central",
            ).id,
            # 9 May, 02:00 local is 8 May in UTC: the calendar shows it on the 9th.
            "night": event(plan, local(2020, 5, 9, 2), title="Ночная акция «Свеча памяти»", organiser="kon").id,
            "parade": mark_held(
                event(plan, local(2020, 5, 9, 10), title="Парад", organiser="udkh", district="zavodskoy"),
                actual_format="online",
                reason="Ограничения",
            ).id,
            "cancelled": cancel_event(
                event(plan, local(2020, 5, 12, 10), title="Отменённый концерт", organiser="udkh", district="zavodskoy"),
                "Ограничения",
            ).id,
            "sport": event(other, local(2020, 5, 15, 10), title="Эстафета", organiser="sport").id,
        }
        annulled = event(plan, local(2020, 5, 20), title="Аннулированное")
        annulled.annulled_at, annulled.annul_reason = dt.datetime(2020, 5, 21), "Ошибка ввода"
        db.session.commit()
        ids["programme"], ids["other"] = plan.id, other.id
        return ids


def _days(weeks) -> dict[dt.date, list[str]]:
    return {day.date: [entry.title for entry in day.entries] for week in weeks for day in week}


def test_the_grid_is_whole_weeks_monday_to_sunday(app_ctx):
    assert month_days(2020, 5) == (dt.date(2020, 4, 27), dt.date(2020, 5, 31))
    assert month_days(2020, 2) == (dt.date(2020, 1, 27), dt.date(2020, 3, 1))


def test_an_event_is_on_its_local_day_and_a_multi_day_event_on_each_day_across_the_month_end(app, spring):
    with app.app_context():
        april, may = _days(month(2020, 4, CalendarFilter())), _days(month(2020, 5, CalendarFilter()))
    festival = "Фестиваль «Весна Победы»"
    assert [day for day, titles in april.items() if festival in titles] == [
        dt.date(2020, 4, 29),
        dt.date(2020, 4, 30),
        dt.date(2020, 5, 1),
        dt.date(2020, 5, 2),
    ]
    assert [day for day, titles in may.items() if festival in titles] == [
        dt.date(2020, 4, 29),  # May's grid starts on Monday 27 April
        dt.date(2020, 4, 30),
        dt.date(2020, 5, 1),
        dt.date(2020, 5, 2),
    ]
    assert may[dt.date(2020, 5, 9)] == ["Ночная акция «Свеча памяти»", "Парад"]
    assert may[dt.date(2020, 5, 8)] == []
    assert "Аннулированное" not in may[dt.date(2020, 5, 20)]


def test_filters_narrow_the_calendar(app, spring):
    with app.app_context():
        udkh = body_by_code("udkh").id
        by_organiser = _days(month(2020, 5, CalendarFilter(organiser_id=udkh)))
        by_district = _days(month(2020, 5, CalendarFilter(district_id=district_by_code("central").id)))
        by_status = _days(month(2020, 5, CalendarFilter(status=EventStatus.CANCELLED.value)))
        by_programme = _days(month(2020, 5, CalendarFilter(programme_id=spring["other"])))

    def titles(days):
        return sorted({title for shown in days.values() for title in shown})

    assert titles(by_organiser) == ["Отменённый концерт", "Парад"]
    assert titles(by_district) == ["Ночная акция «Свеча памяти»", "Фестиваль «Весна Победы»", "Эстафета"]
    assert titles(by_status) == ["Отменённый концерт"]
    assert titles(by_programme) == ["Эстафета"]


def test_the_week_list_shows_a_multi_day_event_on_each_of_its_days(app, spring):
    with app.app_context():
        week = agenda(dt.date(2020, 4, 27), 7, CalendarFilter())
        shown = {day: [item.title for item in items] for day, items in week}
    assert [day for day, titles in shown.items() if "Фестиваль «Весна Победы»" in titles] == [
        dt.date(2020, 4, 29),
        dt.date(2020, 4, 30),
        dt.date(2020, 5, 1),
        dt.date(2020, 5, 2),
    ]
    assert shown[dt.date(2020, 5, 3)] == []


def _cell(page: str, day: dt.date) -> str:
    match = re.search(rf'data-date="{day.isoformat()}">(.*?)</td>', page, re.S)
    assert match, day
    return unescape(match.group(1))


def test_the_month_page_links_each_event_to_its_card_and_marks_outcomes(login, spring):
    page = login("events").get("/events/calendar/month?month=2020-05").text
    assert "Календарь мероприятий: май 2020 — Управа" in page
    nine = _cell(page, dt.date(2020, 5, 9))
    assert f'href="/eventview/show/{spring["night"]}"' in nine and "02:00" in nine
    assert f'href="/eventview/show/{spring["parade"]}"' in nine
    assert "Проведено" in nine and "Онлайн" in nine  # held in another format: the actual format is shown
    first = _cell(page, dt.date(2020, 4, 29))
    assert "с 18:00" in first and "Фестиваль «Весна Победы»" in first
    assert "до 21:00" in _cell(page, dt.date(2020, 5, 2))
    assert "Отменено" in _cell(page, dt.date(2020, 5, 12))
    assert "events.css" in page  # the print stylesheet (A4)


def test_month_links_keep_the_filters(app, login, spring):
    with app.app_context():
        udkh, zavodskoy = body_by_code("udkh").id, district_by_code("zavodskoy").id
    client = login("events")
    page = client.get(f"/events/calendar/month?month=2020-05&organiser={udkh}&district={zavodskoy}&status=held").text
    following = unescape(re.search(r'id="month-next" href="([^"]+)"', page).group(1))
    previous = unescape(re.search(r'id="month-previous" href="([^"]+)"', page).group(1))
    for link, month_value in ((following, "2020-06"), (previous, "2020-04")):
        assert f"organiser={udkh}" in link and f"district={zavodskoy}" in link and "status=held" in link
        assert f"month={month_value}" in link
    assert f'<option value="{udkh}" selected>' in page
    # December → January of the next year.
    page = client.get("/events/calendar/month?month=2020-12&status=held").text
    assert "month=2021-01" in unescape(re.search(r'id="month-next" href="([^"]+)"', page).group(1))


def test_a_body_sees_in_the_calendar_only_the_events_it_may_see(login, spring):
    """УДКХиБ organises the parade and the cancelled concert; the rest of the programme is not its own."""
    page = login("udkh").get("/events/calendar/month?month=2020-05").text
    shown = set(re.findall(r'data-event="(\d+)"', page))
    assert shown == {str(spring["parade"]), str(spring["cancelled"])}


def test_the_week_page_lists_the_days_with_their_events(login, spring):
    page = login("supervisor").get("/events/calendar/agenda?start=2020-04-27").text
    assert "Мероприятия: 27.04.2020 — 03.05.2020 — Управа" in page
    assert page.count(f'data-event="{spring["festival"]}"') == 4
    assert "Мероприятий нет" in page  # Sunday 3 May


@pytest.mark.parametrize(
    "query",
    ["month=2020-13", "month=abc", "month=1800-01", "organiser=x", "status=nosuch", "programme=-1"],
)
def test_a_bad_calendar_argument_is_a_400_with_a_message(login, query):
    response = login("events").get(f"/events/calendar/month?{query}")
    assert response.status_code == 400
    assert "календар" in response.text.lower() or "ГГГГ" in response.text


def test_a_bad_week_argument_is_a_400(login):
    client = login("events")
    assert client.get("/events/calendar/agenda?start=31.02.2020").status_code == 400
    assert client.get("/events/calendar/agenda?days=90").status_code == 400


def test_the_calendar_needs_the_right_to_read_events(login):
    assert login("appeals").get("/events/calendar/month").status_code == 403
