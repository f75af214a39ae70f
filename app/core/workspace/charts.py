"""Charts as server-rendered SVG (pygal), inline in the page: no script, no font or file from anywhere.

pygal draws the SVG in Python; its interactive part (a script that would load pygal-tooltips from
the internet, and an inline configuration script) is left out: `js=[]`, and an XML filter removes
the configuration `<script>` pygal writes anyway, its comments (URLs of its home page), and gives
the chart's own `<style>` the page's CSP nonce. What stays is plain SVG: bars, their values written
on them, axis labels, a legend, and `<a>` links from a bar to the list behind it.

Readable without colour: every bar carries its value as text; with several series each one has its
own pattern besides its colour (solid, diagonal hatch, dots, cross-hatch — distinct in grey print
and for colour-blind readers), and the legend shows the pattern. The colours are the Okabe–Ito
palette (distinguishable with the common colour-vision deficiencies). The numbers are also a table
beside every chart (the dashboard's template).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pygal
from flask import has_request_context, request
from flask_babel import gettext
from markupsafe import Markup
from pygal.style import Style

# pygal appends a legacy import hook to sys.meta_path (PluginImportFixer, for its optional map plugins,
# which we do not use): it has no find_spec, so on Python 3.11 every import that falls through all the
# finders (an optional module tried and missing) raises an ImportWarning through it. Taken out again.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__name__ != "PluginImportFixer"]

#: Horizontal bars (categories with long names: channels, bodies, districts), vertical columns (an
#: ordered dimension: months), horizontal stacked bars (the parts of a whole per category).
BARS, COLUMNS, STACKED = "bars", "columns", "stacked"
KINDS = (BARS, COLUMNS, STACKED)

#: Okabe & Ito (2008): blue, vermillion, bluish green, orange, reddish purple, sky blue, yellow, black.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
#: Series 1… get a pattern over their colour (series 0 stays solid): (SVG content of an 8×8 tile).
PATTERNS = (
    None,
    '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#ffffff" stroke-width="2"/>',
    '<circle cx="4" cy="4" r="1.8" fill="#ffffff"/>',
    '<path d="M0,0 l8,8 M8,0 l-8,8" stroke="#ffffff" stroke-width="1.5"/>',
    '<path d="M0,4 h8" stroke="#ffffff" stroke-width="2"/>',
    '<path d="M4,0 v8" stroke="#ffffff" stroke-width="2"/>',
)
FONT = '"Helvetica Neue", Helvetica, Arial, sans-serif'
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#222222",
    foreground_strong="#000000",
    foreground_subtle="#666666",
    opacity="1",
    opacity_hover=".85",
    transition="0ms",
    colors=PALETTE,
    font_family=FONT,
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    value_label_font_size=12,
    legend_font_size=13,
    title_font_size=15,
    tooltip_font_size=12,
    no_data_font_size=20,
)
_ROW_HEIGHT = 30


@dataclass(frozen=True)
class Series:
    """One series: its label (the legend) and a value per category, each with the list it opens (or None)."""

    label: str
    values: list[int | float | Decimal | None]
    links: list[str | None] = field(default_factory=list)


@dataclass(frozen=True)
class ChartData:
    """What a chart draws: the categories (bars or columns) and one or more series over them."""

    categories: list[str]
    series: list[Series]

    @property
    def empty(self) -> bool:
        return not self.categories or all(not v for s in self.series for v in s.values)


def _point(value: Any, link: str | None) -> Any:
    number = None if value is None else float(value) if isinstance(value, Decimal) else value
    if link and number:
        # target _self: pygal would open a new window by default.
        return {"value": number, "xlink": {"href": link, "target": "_self"}}
    return number


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(parent: Any, name: str) -> Any:
    """The first child element called `name` (pygal's elements carry no namespace of their own)."""
    return next((child for child in parent if isinstance(child.tag, str) and _local(child.tag) == name), None)


def _no_script(key: str, title: str, nonce: str | None) -> Any:
    """The XML filter: no script, no comments, the CSP nonce on the style, patterns, a readable title."""

    def apply(root: Any) -> Any:
        for element in list(root.iter()):
            tag = element.tag if isinstance(element.tag, str) else ""
            # A comment (pygal's credits, with its URLs) or its configuration script.
            if not tag or _local(tag) == "script":
                element.getparent().remove(element)
        chart_id = root.attrib["id"]
        defs = _child(root, "defs")
        style = _child(defs, "style")
        if nonce and style is not None:
            style.attrib["nonce"] = nonce
        rules = []
        from lxml import etree

        for index, pattern in enumerate(PATTERNS):
            if pattern is None:
                continue
            colour = PALETTE[index % len(PALETTE)]
            pattern_id = f"{chart_id}-p{index}"
            defs.append(
                etree.fromstring(
                    f'<pattern id="{pattern_id}" width="8" height="8" '
                    f'patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="{colour}"/>{pattern}</pattern>'
                )
            )
            rules.append(
                f"#{chart_id} .series.color-{index} .rect, #{chart_id} .legend rect.color-{index}"
                f"{{fill:url(#{pattern_id})}}"
            )
        # Values in black with a white outline: legible on any colour and in grey print. A click on a
        # bar's number goes through to the bar's link underneath.
        rules.append(
            f"#{chart_id} .text-overlay text.value{{fill:#000;stroke:#fff;stroke-width:3px;paint-order:stroke}}"
            f"#{chart_id} .text-overlay{{pointer-events:none}}"
        )
        if style is not None:
            style.text = (style.text or "") + "".join(rules)
        root.attrib["role"] = "img"
        root.attrib["aria-label"] = title
        title_element = _child(root, "title")
        if title_element is not None:
            title_element.text = title
        root.attrib["data-chart"] = key
        return root

    return apply


def render_chart(
    kind: str, data: ChartData, *, key: str, title: str, value_format: str | None = None, width: int = 680
) -> Markup:
    """The SVG of a chart (inline in the page); see the module docstring for what it leaves out.

    `width` is the drawing's own width: near the width it is shown at, so that its text reads at
    its font size (the SVG scales to its column).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown chart kind {kind!r}: one of {KINDS}")
    chart_class = {BARS: pygal.HorizontalBar, COLUMNS: pygal.Bar, STACKED: pygal.HorizontalStackedBar}[kind]
    rows = max(1, len(data.categories))
    several = len(data.series) > 1
    height = 90 + rows * _ROW_HEIGHT * (len(data.series) if kind == BARS and several else 1)
    if kind == COLUMNS:
        height = 360
    chart = chart_class(
        style=STYLE,
        js=[],
        disable_xml_declaration=True,
        width=width,
        height=max(height, 160),
        print_values=True,
        print_zeroes=False,
        show_legend=several,
        legend_at_bottom=True,
        legend_at_bottom_columns=min(len(data.series), 2),
        legend_box_size=14,
        truncate_label=-1,
        truncate_legend=-1,
        show_y_guides=kind == COLUMNS,
        show_x_guides=kind != COLUMNS,
        x_label_rotation=-40 if kind == COLUMNS and len(data.categories) > 12 else 0,
        spacing=12,
        margin=12,
        no_data_text=gettext("Нет данных"),
        value_formatter=(lambda v: value_format.format(v)) if value_format else (lambda v: f"{v:g}"),
        classes=["pygal-chart", "uprava-chart"],
    )
    # Flask-Talisman's per-request nonce (app/ops/headers.py): the chart's <style> needs it under the CSP.
    nonce = getattr(request, "csp_nonce", None) if has_request_context() else None
    chart.add_xml_filter(_no_script(key, title, nonce))
    # pygal draws horizontal bars bottom-up: the first category on top reads like the table beside it.
    categories = list(reversed(data.categories)) if kind != COLUMNS else list(data.categories)
    chart.x_labels = categories
    for series in data.series:
        links = series.links or [None] * len(series.values)
        points = [_point(v, link) for v, link in zip(series.values, links, strict=True)]
        chart.add(series.label, list(reversed(points)) if kind != COLUMNS else points)
    return Markup(chart.render(is_unicode=True))


def chart_from_rows(
    rows: Sequence[Any],
    label: Any,
    measures: Sequence[tuple[str, Any, Any]],
) -> ChartData:
    """ChartData from rows: a category per row (`label(row)`), a series per (label, value(row), link(row))."""
    return ChartData(
        categories=[str(label(row)) for row in rows],
        series=[
            Series(
                str(name),
                [value(row) for row in rows],
                [link(row) if link is not None else None for row in rows],
            )
            for name, value, link in measures
        ],
    )
