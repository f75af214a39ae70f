"""Drive the real pages in headless Chromium and collect every console error, CSP violation and failed request.

    python scripts/ui/browse.py http://127.0.0.1:5000 admin Uprava-Demo-2026

Walks sign-in, the home page, lists with the filter widgets, an appeal's card, its edit form (saved
unchanged), the add form with the date picker, the action forms, every report, the user list and
the API explorer. Exit status 1 when anything was reported. Uses Debian's /usr/bin/chromium offline.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPORTS = ("intake", "topics", "districts", "timeliness", "results")


@dataclass
class Walk:
    base: str
    problems: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    current: str = ""

    def watch(self, page: Page) -> None:
        page.on(
            "console", lambda m: m.type in ("error", "warning") and self.problems.append(f"{self.current}: {m.text}")
        )
        page.on("pageerror", lambda e: self.problems.append(f"{self.current}: uncaught {e}"))
        page.on(
            "response",
            lambda r: r.status >= 400 and self.problems.append(f"{self.current}: HTTP {r.status} {r.url}"),
        )
        page.on("requestfailed", lambda r: self.problems.append(f"{self.current}: failed {r.url} {r.failure}"))

    def open(self, page: Page, path: str) -> None:
        self.current = path
        self.visited.append(path)
        page.goto(self.base + path, wait_until="load")
        page.wait_for_load_state("networkidle")


def _links(page: Page, pattern: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    return list(dict.fromkeys(h for h in hrefs if h and re.search(pattern, h)))


def walk(base: str, username: str, password: str, extra: tuple[str, ...] = ()) -> Walk:
    """Sign in and visit the pages (and `extra` paths at the end); returns what was seen."""
    result = Walk(base.rstrip("/"))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        result.watch(page)

        result.open(page, "/login/")
        page.fill("#username", username)
        page.fill("#password", password)
        with page.expect_navigation():
            page.click("input[type=submit], button[type=submit]")
        if "/login" in page.url:
            raise SystemExit(f"sign-in as {username} failed")
        page.wait_for_load_state("networkidle")

        for path in ("/", "/bodyview/list/", "/officialview/list/", "/appealview/list/"):
            result.open(page, path)
        # The filter widgets (in the folded «Поиск» panel): a date filter (date picker), a related-field one.
        page.locator("#accordion1 a[data-toggle=collapse]").first.click()
        page.wait_for_selector("#filter_form button.dropdown-toggle", state="visible", timeout=3000)
        for name in ("reg_date", "receiving_body", "status"):
            link = page.locator(f"#filter_form a.filter[name={name}]")
            if link.count():
                page.locator("#filter_form button.dropdown-toggle").click()
                link.click()
        if page.locator("#filter_form .uprava_date input").count():
            page.locator("#filter_form .uprava_date input").first.click()
            page.wait_for_selector(".datepicker-dropdown", state="visible", timeout=3000)
            page.keyboard.press("Escape")

        shows = _links(page, r"/appealview/show/\d+")[:10]
        show, actions = None, []
        for candidate in shows:  # the first card that still has actions (an open appeal)
            result.open(page, candidate)
            show, actions = candidate, _links(page, r"/appeals/actions/")
            if actions:
                break
        if show:
            for action in actions:
                result.open(page, action)
                if page.locator(".uprava_date input").count():
                    page.locator(".uprava_date input").first.click()
                    page.wait_for_selector(".datepicker-dropdown", state="visible", timeout=3000)
            pk = show.rstrip("/").rsplit("/", 1)[-1]
            result.open(page, f"/appealview/edit/{pk}")
            with page.expect_navigation():
                page.locator("#model_form button[type=submit], #model_form input[type=submit]").first.click()
            page.wait_for_load_state("networkidle")
            if page.locator(".alert-danger").count():
                result.problems.append(f"{result.current}: saving the unchanged form showed an error")

        result.open(page, "/appealview/add")
        page.locator(".uprava_date input").first.click()
        page.wait_for_selector(".datepicker-dropdown", state="visible", timeout=3000)
        page.locator(".datepicker-dropdown td.day:not(.old):not(.new)").first.click()
        select2 = page.locator(".select2-container").first
        if select2.count():
            select2.click()
            page.wait_for_selector(".select2-drop-active, .select2-dropdown", state="visible", timeout=3000)
            page.keyboard.press("Escape")

        for name in REPORTS:
            result.open(page, f"/appeals/reports/{name}")
        admin_pages = ["/users/list/"] if _links(page, r"^/users/list/") else []
        for path in (*admin_pages, "/swagger/v1", *extra):
            result.open(page, path)
        browser.close()
    return result


def main() -> int:
    base, username, password, *extra = sys.argv[1:]
    result = walk(base, username, password, tuple(extra))
    print(f"{len(result.visited)} pages visited: " + " ".join(result.visited))
    for problem in result.problems:
        print("  " + problem)
    print(f"{len(result.problems)} problems")
    return 1 if result.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
