"""How alike two lists of texts are, pair by pair: what pairs a renamed procedure or an edited step.

Both the classification of procedures (a vanished code and a new one with
nearly the same name: a guessed replacement) and the comparison of two
records (an edited dossier item is a change, not a removal plus an
addition) pair leftovers by difflib's ratio, within the same bounds.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

__all__ = ["GUESS_RATIO", "MAX_PAIRS", "similar_pairs"]

GUESS_RATIO = 0.85
"""Folded names at least this similar pair a vanished and an appeared code as a guessed replacement."""
MAX_PAIRS = 20_000
"""Pairs of texts compared for similarity at most, per list: beyond (about 140 vanished codes against
140 new ones), nothing is paired by likeness and the leftovers are reported as they are, new and abolished,
removed and added. difflib's ratio is slow, and a re-coded field or a pasted list must not stall a CI job."""


def similar_pairs(left: Sequence[str], right: Sequence[str], threshold: float) -> list[tuple[float, int, int]]:
    """``(ratio, i, j)`` for every pair of texts at least ``threshold`` alike, most alike first.

    The same pairs as computing difflib's ratio for each, in a fraction of
    the time: each right-hand text is indexed once, and the cheap upper
    bounds (``real_quick_ratio``, ``quick_ratio``) rule out most pairs before
    the quadratic ratio is computed. No pair at all beyond :data:`MAX_PAIRS`.
    """
    if len(left) * len(right) > MAX_PAIRS:
        return []
    pairs: list[tuple[float, int, int]] = []
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    for j, b in enumerate(right):
        matcher.set_seq2(b)
        for i, a in enumerate(left):
            matcher.set_seq1(a)
            if matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold:
                ratio = matcher.ratio()
                if ratio >= threshold:
                    pairs.append((ratio, i, j))
    return sorted(pairs, key=lambda t: (-t[0], t[1], t[2]))
