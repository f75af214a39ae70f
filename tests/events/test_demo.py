"""The demo programme and campaign: made through the services, at most 500 records, loaded once."""

from __future__ import annotations

from sqlalchemy import func, select

from app.events.demo import load_demo_events
from app.events.models import ApplicantType, CommitteeMember, Event, EventProgramme, TitleCampaign, TitlePetition
from app.extensions import db


def test_the_demo_is_a_2020_programme_with_the_campaigns_real_petition_counts_and_loads_once(app):
    with app.app_context():
        made = load_demo_events()
        db.session.commit()
        count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
        total = sum(count(m) for m in (EventProgramme, CommitteeMember, Event, TitleCampaign, TitlePetition))
        assert made == total <= 500
        assert (count(EventProgramme), count(CommitteeMember), count(Event)) == (1, 6, 90)
        kind = TitlePetition.applicant_type
        by_type = {k: n for k, n in db.session.execute(select(kind, func.count()).group_by(kind))}
        assert by_type == {ApplicantType.RESIDENT.value: 74, ApplicantType.ORGANISATION.value: 316}
        events = db.session.scalars(select(Event)).all()
        assert {e.coordinator_body.code for e in events} == {"culture"}
        # The committee (adm, culture, kon, udkh, sport) was approved before the first event.
        assert all(len(e.committee_bodies) == 5 for e in events)
        assert any(e.format_changed for e in events) and not all(e.format_changed for e in events)
        assert {e.start_date.year for e in events} == {2020}
        assert load_demo_events() == 0
