"""Buttons a domain adds to another domain's record card, by table name (no import between them).

The card of an appeal offers «Поставить на контроль», which belongs to the control domain; a plan
item will offer the same. The domain that acts registers the action with the table it acts on:

    register_card_action(CardAction(
        key="control.put_on_control", table="appeals_appeal",
        links=lambda pk: [(url_for("InstructionFromSourceView.new", kind="appeal", pk=pk), "Поставить на контроль")],
    ))

and the platform's show page (app/templates/uprava/show.html) lists, above the record, the links each
action gives for the record — `links` decides for the current user (rights, row scope, the record's
state) and returns nothing when he may not act.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CardAction:
    """Links (URL, label) one domain offers on the cards of one table."""

    key: str
    table: str
    links: Callable[[Any], list[tuple[str, str]]]


CARD_ACTIONS: dict[str, CardAction] = {}


def register_card_action(action: CardAction) -> CardAction:
    """Declare a card action (idempotent per key: an app built twice in tests declares it twice)."""
    CARD_ACTIONS[action.key] = action
    return action


def card_links(table: str, pk: Any) -> list[tuple[str, str]]:
    """Every registered action's links for one record, for the current user."""
    links: list[tuple[str, str]] = []
    for action in sorted(CARD_ACTIONS.values(), key=lambda a: a.key):
        if action.table == table:
            links.extend(action.links(pk))
    return links
