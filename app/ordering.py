"""Moving one row up or down a list ordered by a `position` number (banners within their
sidebar position, menu items and categories among their siblings)."""

from __future__ import annotations

from collections.abc import Sequence


def move_in_order(rows: Sequence, row, step: int, *, start: int = 1) -> bool:
    """Swap `row` with its neighbour `step` places away (-1 up, +1 down) in `rows` (ordered,
    `row` among them) and renumber them all from `start`, so equal or sparse numbers move
    too; False, with nothing changed, when it is at that end already or `step` is no move."""
    ordered = list(rows)
    index = ordered.index(row)
    other = index + step
    if step not in (-1, 1) or not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for number, each in enumerate(ordered, start):
        each.position = number
    return True
