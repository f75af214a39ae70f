"""Charts (app/core/workspace/charts.py) and the registries' small rules: SVG that needs nothing from anywhere."""

from __future__ import annotations

import re
import sys
from types import SimpleNamespace

import pytest

from app.core.workspace import BARS, COLUMNS, STACKED, ChartData, Counter, Series, fold, register_counter, render_chart


def _svg(kind: str = STACKED, **kwargs) -> str:
    data = ChartData(
        ["Письменное обращение", "ПОС"],
        [
            Series("В срок", [5, 3], ["/appealview/list/?preset=open", None]),
            Series("С нарушением срока", [2, 0]),
            Series("Просрочено", [1, 4]),
        ],
    )
    return str(render_chart(kind, data, key="timeliness", title="Соблюдение сроков", **kwargs))


def test_a_chart_has_no_script_no_comment_and_nothing_to_fetch():
    svg = _svg()
    assert "<script" not in svg and "<!--" not in svg
    assert re.findall(r"(?:https?:)?//(?!www\.w3\.org/)", svg) == []
    assert "googleapis" not in svg and "@import" not in svg


def test_every_value_is_written_on_its_bar_and_the_legend_names_each_series():
    svg = _svg()
    values = re.findall(r'<text[^>]*class="value[^"]*"[^>]*>([^<]+)</text>', svg)
    # Zeroes are not written (print_zeroes off); every other value is.
    assert sorted(values) == sorted(["5", "3", "2", "1", "4"])
    for label in ("В срок", "С нарушением срока", "Просрочено"):
        assert f">{label}<" in svg


def test_series_after_the_first_carry_a_pattern_besides_their_colour():
    svg = _svg()
    chart_id = re.search(r'<svg [^>]*id="([^"]+)"', svg).group(1)
    assert f'<pattern id="{chart_id}-p1"' in svg and f'<pattern id="{chart_id}-p2"' in svg
    assert f"#{chart_id} .series.color-1 .rect, #{chart_id} .legend rect.color-1{{fill:url(#{chart_id}-p1)}}" in svg
    assert ".series.color-0 .rect" not in svg  # the first series stays solid


def test_a_bar_links_to_its_list_in_the_same_window_and_a_zero_links_nowhere():
    svg = _svg()
    assert re.findall(r'<a [^>]*href="([^"]+)"', svg) == ["/appealview/list/?preset=open"]
    assert 'target="_self"' in svg


def test_the_chart_is_an_image_named_by_its_title():
    svg = _svg()
    assert 'role="img"' in svg and 'aria-label="Соблюдение сроков"' in svg
    assert "<title>Соблюдение сроков</title>" in svg


def test_inside_a_request_the_charts_style_carries_the_pages_csp_nonce(app):
    with app.test_request_context("/"):
        from flask import request

        request.csp_nonce = "abc123"
        assert '<style type="text/css" nonce="abc123">' in _svg()


@pytest.mark.parametrize("kind", [BARS, COLUMNS, STACKED])
def test_every_kind_renders_and_an_unknown_one_is_refused(kind):
    assert _svg(kind).startswith("<svg")
    with pytest.raises(ValueError, match="unknown chart kind"):
        _svg("pie")


def test_pygal_leaves_no_import_hook_behind():
    # pygal's legacy PluginImportFixer would turn every failed optional import into an ImportWarning.
    assert not [f for f in sys.meta_path if type(f).__name__ == "PluginImportFixer"]


def test_fold_sums_grouped_rows_per_key_the_biggest_first():
    rows = [
        SimpleNamespace(channel="Письмо", channel_id=1, appeals=2, questions=3),
        SimpleNamespace(channel="ПОС", channel_id=2, appeals=5, questions=5),
        SimpleNamespace(channel="Письмо", channel_id=1, appeals=4, questions=None),
    ]
    folded = fold(rows, "channel", "appeals", "questions", keep=("channel_id",))
    assert [(r.channel, r.channel_id, r.appeals, r.questions) for r in folded] == [
        ("Письмо", 1, 6, 3),
        ("ПОС", 2, 5, 5),
    ]


def test_a_counters_measure_is_its_presets_key_unless_declared():
    assert Counter("a.x", "x", "a", "V", preset="overdue").kind == "overdue"
    assert Counter("a.x", "x", "a", "V", preset="to_decide", measure="decision").kind == "decision"
    assert Counter("a.x", "x", "a", "V", preset="answered").kind is None
    with pytest.raises(ValueError, match="measure 'soon' is not one of"):
        register_counter(Counter("a.bad", "x", "a", "V", measure="soon"))
