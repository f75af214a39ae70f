"""Load: clerks signed in once each, working lists, cards, edit forms (CSRF and versions) and reports.

Run by scripts/load/run.sh (locust headless against gunicorn on loopback). Every user edits only
its own share of the appeals, so the run measures throughput, not deliberate edit conflicts;
a conflict or any other refusal counts as a failure.
"""

from __future__ import annotations

import itertools
import os
import random
import re

from locust import HttpUser, between, events, task

from scripts.load.formdata import form_fields

PASSWORD = os.environ["LOAD_PASSWORD"]  # of the users load01… made by setup_users.py
REPORTS = ("intake", "topics", "districts", "timeliness", "results")
_SEATS = itertools.count()


class Clerk(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.seat = next(_SEATS)
        page = self.client.get("/login/", name="/login/ [GET]")
        token = form_fields(page.text).get("csrf_token", "")
        with self.client.post(
            "/login/",
            data={"username": f"load{self.seat % 99 + 1:02d}", "password": PASSWORD, "csrf_token": token},
            name="/login/ [POST]",
            catch_response=True,
        ) as response:
            if "/login/" in response.url:
                response.failure("sign-in failed")
        self.pks = self._list_pks(1)

    def _list_pks(self, page: int) -> list[int]:
        response = self.client.get(f"/appealview/list/?page_AppealView={page}", name="/appealview/list/")
        return [int(pk) for pk in dict.fromkeys(re.findall(r"/appealview/show/(\d+)", response.text))]

    @task(4)
    def list_page(self) -> None:
        pks = self._list_pks(random.randint(0, 10))
        if pks:
            self.pks = pks

    @task(4)
    def show(self) -> None:
        if self.pks:
            self.client.get(f"/appealview/show/{random.choice(self.pks)}", name="/appealview/show/<pk>")

    @task(2)
    def edit(self) -> None:
        mine = [pk for pk in self.pks if pk % 50 == self.seat % 50] or self.pks[self.seat % 50 :][:1]
        if not mine:
            return
        pk = mine[0]
        form = form_fields(
            self.client.get(f"/appealview/edit/{pk}", name="/appealview/edit/<pk> [GET]").text, "model_form"
        )
        form["problem_address"] = f"ул. Кирова, {random.randint(1, 200)}"
        with self.client.post(
            f"/appealview/edit/{pk}", data=form, name="/appealview/edit/<pk> [POST]", catch_response=True
        ) as response:
            # A saved form redirects; a refused one comes back (200) with the reason beside a field.
            if response.history == [] or "has-error" in response.text or "alert-danger" in response.text:
                response.failure("edit not saved")

    @task(1)
    def report(self) -> None:
        self.client.get(f"/appeals/reports/{random.choice(REPORTS)}", name="/appeals/reports/<name>")


@events.quitting.add_listener
def _summary(environment, **_kwargs) -> None:
    total = environment.stats.total
    print(
        f"LOAD RESULT: {environment.parsed_options.num_users} users, "
        f"{total.num_requests} requests, {total.num_failures} failures, "
        f"{total.total_rps:.1f} req/s, p50 {total.get_response_time_percentile(0.5):.0f} ms, "
        f"p95 {total.get_response_time_percentile(0.95):.0f} ms"
    )
