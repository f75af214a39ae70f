"""The harness itself: the offline and console checks do catch what they must."""

from __future__ import annotations

FOREIGN = "http://198.51.100.7/pixel.png"  # TEST-NET-2: never routed; the request is aborted anyway


def test_watch_records_foreign_requests_and_console_errors(new_page):
    page = new_page()
    page.route(FOREIGN, lambda route: route.abort())
    page.goto("/login/")
    with page.expect_request(FOREIGN):
        page.evaluate(f"() => {{ new Image().src = '{FOREIGN}'; console.error('сбой сценария'); }}")
    page.wait_for_timeout(200)
    watch = page.uprava_watch
    assert watch.foreign_requests == [FOREIGN]
    assert any("сбой сценария" in line for line in watch.console_errors)
    assert any(line.startswith("request to a foreign host") for line in watch.problems())
    # Seen and checked: the fixture would otherwise fail this test for them.
    watch.foreign_requests.clear()
    watch.console_errors.clear()
