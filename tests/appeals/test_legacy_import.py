"""A legacy register imports as it is (issue #13 items 14–15): its own spellings of reference entries are
mapped on the mapping page (and remembered with the mapping), a body is recognised by a former name,
answered rows without an answer number or signer import marked as imported, one date stands for the other."""

from __future__ import annotations

import datetime as dt
import io

from sqlalchemy import func, select

from app.appeals.models import Appeal, AppealStatus
from app.appeals.reference.models import Channel
from app.core.imports import normalise
from app.core.imports.models import ImportBatch, ImportMapping
from app.core.imports.views import value_field
from app.extensions import db
from app.org.models import BodyFormerName
from app.org.services import body_by_code
from tests.appeals.test_import import _mapping_data, import_app  # noqa: F401  (the fixture)
from tests.conftest import login_client

FULL_CHANNEL = "Письменное обращение гражданина"
OLD_NAME = "Комитет дорожного хозяйства и благоустройства"
HEADER = (
    "Дата поступления;Дата регистрации;Канал поступления;ФИО заявителя;Краткое содержание;Орган-получатель;"
    "Ответственный орган;Статус;Код классификатора;Результат;Дата ответа\n"
)


def legacy_file(rows: int = 200) -> str:
    """A year's register in miniature: a full-name channel, the old name of УДКХиБ, answers without numbers.

    Odd rows have no receipt date (the register kept the registration date only).
    """
    lines = []
    for i in range(rows):
        day = dt.date(2019, 1, 9) + dt.timedelta(days=i)
        received = "" if i % 2 else f"{day:%d.%m.%Y}"
        answered = day + dt.timedelta(days=20)
        lines.append(
            f"{received};{day:%d.%m.%Y};{FULL_CHANNEL};Заявитель{i} Иван;Ямы на дороге у дома {i};Отдел обращений;"
            f"{OLD_NAME};Дан ответ;0003.0009.0099.0742;Разъяснено;{answered:%d.%m.%Y}\n"
        )
    return HEADER + "".join(lines)


def _upload(client, text: str) -> str:
    response = client.post(
        "/appeals/import/",
        data={"file": (io.BytesIO(text.encode("utf-8")), "Реестр 2019.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    return response.headers["Location"]


def test_a_legacy_register_imports_after_the_values_are_mapped_on_screen_and_the_choice_is_offered_next_time(
    import_app,  # noqa: F811
):
    with import_app.app_context():
        udkh = body_by_code("udkh")
        db.session.add(BodyFormerName(body=udkh, name=OLD_NAME, used_until=dt.date(2019, 12, 31)))
        letter = db.session.scalar(select(Channel).where(Channel.code == "letter"))
        db.session.commit()
        udkh_id, letter_id = udkh.id, letter.id
    client = login_client(import_app, "appeals")
    mapping_url = _upload(client, legacy_file())
    page = client.get(mapping_url).text

    # The channel's full name is asked once (200 rows, one value); the old body name is recognised.
    assert "Значения, которых нет в справочниках" in page
    assert page.count(f">{FULL_CHANNEL}</label>") == 1 and f">{OLD_NAME}</label>" not in page
    field = value_field("channel", normalise(FULL_CHANNEL))
    data = {**_mapping_data(page), field: str(letter_id), "save_as": "Реестр 2019", "action": "import"}
    assert data[field] == str(letter_id)
    done = client.post(mapping_url, data=data)
    assert done.status_code == 302, "the import starts once every value was shown"
    assert "загружено обращений — 200, уже загружено: 0" in client.get(done.headers["Location"]).text

    with import_app.app_context():
        batch = db.session.scalar(select(ImportBatch).where(ImportBatch.filename == "Реестр 2019.csv"))
        loaded = db.session.scalars(select(Appeal).where(Appeal.import_batch_id == batch.id).order_by(Appeal.id)).all()
        assert len(loaded) == 200
        assert {(a.channel_id, a.responsible_body_id, a.status) for a in loaded} == {
            (letter_id, udkh_id, AppealStatus.ANSWERED.value)
        }
        # Answered without a number or a signer: the fields stay empty, the date is kept.
        first, second = loaded[0], loaded[1]
        assert (first.answer_number, first.answer_signed_by, first.answer_date) == (None, None, dt.date(2019, 1, 29))
        # A row without a receipt date takes the registration date for it.
        assert (second.received_date, second.reg_date) == (dt.date(2019, 1, 10), dt.date(2019, 1, 10))
        saved = db.session.scalar(select(ImportMapping).where(ImportMapping.name == "Реестр 2019"))
        assert saved.values == {"channel": {normalise(FULL_CHANNEL): letter_id}}
        first_id = first.id
    # The card says where it came from (it may lack what the old system did not keep).
    assert "Загружено из файла «Реестр 2019.csv»" in client.get(f"/appealview/show/{first_id}").text

    # The next file of the register: the value is offered mapped as last time.
    again = client.get(_upload(client, legacy_file(3).replace("2019", "2018"))).text
    assert "Подставлена схема «Реестр 2019»" in again and _mapping_data(again)[field] == str(letter_id)


def test_values_not_yet_shown_stop_the_import_and_are_asked_first(import_app):  # noqa: F811
    client = login_client(import_app, "appeals")
    row = "05.03.2019;05.03.2019;Голубиная почта;Иванов Иван;Освещение;Отдел обращений;;;0003.0009.0097.0689;;\n"
    text = HEADER + row
    mapping_url = _upload(client, text)
    data = {k: v for k, v in _mapping_data(client.get(mapping_url).text).items() if not k.startswith("val_")}
    with import_app.app_context():
        batches = db.session.scalar(select(func.count()).select_from(ImportBatch))
    response = client.post(mapping_url, data={**data, "action": "import"})
    assert response.status_code == 200  # the page again, no job
    assert "сопоставьте их ниже и загрузите снова" in response.text
    assert ">Голубиная почта</label>" in response.text  # now shown, with the channels to choose from
    assert ">Письменное обращение (почта, нарочно, канцелярия)</option>" in response.text
    with import_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == batches


def test_a_body_list_search_finds_a_body_by_its_former_name(import_app):  # noqa: F811
    with import_app.app_context():
        db.session.add(BodyFormerName(body=body_by_code("udkh"), name="Управление благоустройства города"))
        db.session.commit()
    client = login_client(import_app, "admin")
    page = client.get("/bodyview/list/?_flt_0_name=благоустройства города").text
    with import_app.app_context():
        name = body_by_code("udkh").name
    assert name in page and "Отдел обращений" not in page
