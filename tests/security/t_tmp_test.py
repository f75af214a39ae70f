import json
import traceback

CASES = [
    (
        "POST",
        "/api/v1/appeal/",
        {
            "receiving_body": -13033519,
            "district": 2.0e-34,
            "summary": "x",
            "channel": [],
            "applicant_address": False,
            "received_date": "0061-01-08",
            "applicant_district": {},
            "responsible_body": {"a": None},
        },
    ),
    ("POST", "/api/v1/appealquestion/", {"appeal": None, "classifier_code": "", "question_type": "", "text": ""}),
    (
        "POST",
        "/api/v1/body/",
        {
            "supervisor": {"a": None},
            "is_external": True,
            "district": [{"a": 1}],
            "name": "\u001a",
            "code": "",
            "short_name": "x",
        },
    ),
    ("POST", "/api/v1/official/", {"body": [{"a": None}], "district": 716295, "user": {"a": -2}, "position": "x"}),
    (
        "POST",
        "/api/v1/reception/",
        {"body": {"": False}, "place": "A", "date": "2024-13-01", "official": {"a": []}, "time_from": ""},
    ),
    (
        "POST",
        "/api/v1/receptionvisit/",
        {
            "answer": None,
            "classifier_code": "",
            "oral_answer_given": 0,
            "questions": "",
            "reception": None,
            "visitor_address": "",
            "visitor_first_name": "",
            "visitor_last_name": "",
            "visitor_patronymic": "",
            "visitor_phone": "",
        },
    ),
    ("PUT", "/api/v1/district/1", False),
]


def test_t(sec_app, caplog):
    from tests.conftest import login_client

    c = login_client(sec_app, "admin")
    for method, url, body in CASES:
        caplog.clear()
        r = c.open(url, method=method, data=json.dumps(body), content_type="application/json")
        print("=====", method, url, r.status_code, r.text[:100])
        for rec in caplog.records:
            if rec.exc_info:
                print("".join(traceback.format_exception(*rec.exc_info)[-3:])[-900:])
