"""A real appeals register as a clerk would bring it: an XLSX of N rows with Russian headers.

Deterministic (a fixed seed). The rows name only reference data that `flask app init` loads
(channels, bodies, districts, results, classifier codes of the shipped edition), so the file
imports into any Uprava database: the bench's, the demo's, a test's. Every row keeps its
historical number, from `FIRST_SEQ` up in the year `YEAR` — far above what the bench data
uses in a year, so that nothing is «already loaded» — and about half of them are answered
(with each question's result), a quarter in work (with an executor), the rest registered,
withdrawn or closed under ст. 11.

    python -m scripts.bench.import_file 20000 register.xlsx [executor-login ...]
"""

from __future__ import annotations

import datetime as dt
import io
import random
import sys
from collections.abc import Sequence

import xlsxwriter

SEED = 114
YEAR = 2024
FIRST_SEQ = 800_001
HEADERS = [
    "Рег. номер",
    "Дата поступления",
    "Дата регистрации",
    "Канал поступления",
    "ФИО заявителя",
    "Адрес заявителя",
    "Район заявителя",
    "Краткое содержание",
    "Текст обращения",
    "Адрес проблемы",
    "Район проблемы",
    "Орган-получатель",
    "Ответственный орган",
    "Исполнитель",
    "Статус",
    "Код классификатора",
    "Тип вопроса",
    "Результат",
    "Номер ответа",
    "Дата ответа",
    "Способ ответа",
    "Подписал",
    "Дата закрытия",
    "Основание",
]
CHANNELS = ["Письмо", "Электронная почта", "Виртуальная приемная", "Личный прием", "Горячая линия"]
DISTRICTS = ["Центральный", "Кузнецкий", "Заводской", "Куйбышевский", "Новоильинский", "Орджоникидзевский"]
BODIES = ["Комитет ЖКХ", "УДКХиБ", "Управление жилья", "КГиЗР", "КУМИ"]
CODES = ["0005.0005.0056.1151", "0005.0005.0056.1160", "0003.0009.0097.0689", "0003.0009.0099.0742"]
RESULTS = ["Поддержано", "Разъяснено", "Не поддержано", "Поддержано, в том числе меры приняты"]
SURNAMES = ["Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Фёдоров", "Орлов", "Соловьёв"]
NAMES = ["Иван", "Пётр", "Сергей", "Алексей", "Андрей", "Николай"]
STREETS = ["Кирова", "Металлургов", "Тольятти", "Кутузова", "Франкфурта", "Бардина"]
SUMMARIES = [
    "Протекает кровля многоквартирного дома",
    "Ямы на проезжей части",
    "Не вывозится мусор с контейнерной площадки",
    "Ремонт подъезда и благоустройство двора",
    "Освещение во дворе",
    "Уборка снега во дворе",
]


def rows(count: int, executors: Sequence[str] = ("appeals",)) -> list[list[object]]:
    """The data rows (dates as dates, as Excel stores them)."""
    rnd = random.Random(SEED)
    start = dt.date(YEAR, 1, 9)
    result = []
    for number in range(count):
        reg_date = start + dt.timedelta(days=number * 340 // max(count, 1))
        received = reg_date - dt.timedelta(days=rnd.randint(0, 2))
        district = rnd.choice(DISTRICTS)
        street = rnd.choice(STREETS)
        codes = rnd.sample(CODES, 1 if rnd.random() < 0.7 else 2)
        roll = rnd.random()
        status, executor, results, answer, closed, reason = "Зарегистрировано", "", "", ("", "", "", ""), "", ""
        responsible = rnd.choice(BODIES)
        if roll < 0.5:
            status = "Дан ответ"
            executor = rnd.choice(executors)
            results = "; ".join(rnd.choice(RESULTS) for _ in codes)
            answered = reg_date + dt.timedelta(days=rnd.randint(5, 28))
            answer = (f"01-12/{number + 1}", answered, rnd.choice(["Почтой", "По электронной почте"]), "Кузнецов С. В.")
        elif roll < 0.75:
            # A live assignment follows the executor rule: the appeals department answers these itself.
            status, executor, responsible = "На рассмотрении", rnd.choice(executors), "Отдел обращений"
        elif roll < 0.8:
            status, closed = "Отозвано", reg_date + dt.timedelta(days=3)
        elif roll < 0.83:
            status, closed, reason = "Оставлено без ответа", reg_date + dt.timedelta(days=5), "abusive"
        result.append(
            [
                f"ОГ-{YEAR}-{FIRST_SEQ + number:06d}",
                received,
                reg_date,
                rnd.choice(CHANNELS),
                f"{rnd.choice(SURNAMES)} {rnd.choice(NAMES)} {rnd.choice(NAMES)}ович",
                f"г. Новокузнецк, ул. {street}, д. {rnd.randint(1, 120)}, кв. {rnd.randint(1, 300)}",
                district,
                rnd.choice(SUMMARIES),
                "Прошу принять меры. " * rnd.randint(1, 5),
                f"ул. {street}, {rnd.randint(1, 120)}",
                district,
                "Отдел обращений",
                responsible,
                executor,
                status,
                "; ".join(codes),
                "Заявление" if rnd.random() < 0.8 else "Жалоба",
                results,
                *answer,
                closed,
                reason,
            ]
        )
    return result


def appeals_xlsx(count: int, executors: Sequence[str] = ("appeals",)) -> bytes:
    """The register as an XLSX workbook: a title line, the header row, the data rows."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet("Реестр")
    date = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet.write_string(0, 0, f"Реестр обращений граждан за {YEAR} год")
    for col, header in enumerate(HEADERS):
        sheet.write_string(1, col, header)
    for row_index, row in enumerate(rows(count, executors), start=2):
        for col, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(row_index, col, dt.datetime.combine(value, dt.time()), date)
            elif value != "":
                sheet.write_string(row_index, col, str(value))
    book.close()
    return buffer.getvalue()


if __name__ == "__main__":
    with open(sys.argv[2], "wb") as out:
        out.write(appeals_xlsx(int(sys.argv[1]), sys.argv[3:] or ("appeals",)))
