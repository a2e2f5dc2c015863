"""PEP 508 markers for lock readers: deciding ``extra`` for the chosen extras, and or-ing the paths of a graph walk.

* :func:`decide_extras` folds every ``extra == "x"`` of a marker to true or false for the chosen extras and keeps
  the rest (poetry.lock writes ``extra == "server"`` into package markers);
* :class:`Conditions` is a marker in disjunctive normal form, built while walking uv.lock's graph: each path to a
  package is the conjunction of the markers on its edges, and the package is needed when any path holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from packaging.markers import Marker
from packaging.utils import canonicalize_name

from cdktf_lambda.errors import SourceError

__all__ = ["Conditions", "decide_extras", "or_markers"]

#: ``None``: always needed; ``False``: never; a string: needed where that marker holds.
Decided = str | bool | None


def _is_variable(node: object) -> bool:
    return type(node).__name__ == "Variable"


def _fold(tree: list[Any], extras: frozenset[str]) -> bool | str:
    """Fold ``extra`` comparisons of packaging's parsed marker tree to constants; serialize what is left."""
    alternatives: list[list[bool | str]] = [[]]
    for item in tree:
        if item == "or":
            alternatives.append([])
        elif item == "and":
            continue
        elif isinstance(item, list):
            folded = _fold(item, extras)
            alternatives[-1].append(folded if isinstance(folded, bool) else f"({folded})")
        else:
            lhs, op, rhs = item
            variable, literal = (lhs, rhs) if _is_variable(lhs) else (rhs, lhs)
            if _is_variable(variable) and variable.value == "extra":
                if op.value not in ("==", "!="):
                    raise SourceError(f"unsupported comparison {op.value!r} on 'extra' in a marker")
                chosen = canonicalize_name(literal.value) in extras
                alternatives[-1].append(chosen if op.value == "==" else not chosen)
            else:
                alternatives[-1].append(f"{lhs.serialize()} {op.serialize()} {rhs.serialize()}")
    kept: list[str] = []
    for conjunction in alternatives:
        if False in conjunction:
            continue
        parts = [part for part in conjunction if part is not True]
        if not parts:
            return True
        kept.append(" and ".join(str(part) for part in parts))
    return " or ".join(kept) if kept else False


def decide_extras(marker: str | None, extras: Iterable[str]) -> Decided:
    """``marker`` with its ``extra`` comparisons decided for the chosen ``extras``.

    Returns ``None`` (always needed), ``False`` (never: only for extras not chosen) or the remaining marker.
    """
    if marker is None:
        return None
    parsed = Marker(marker)
    if "extra" not in marker:
        return str(parsed)
    folded = _fold(parsed._markers, frozenset(canonicalize_name(e) for e in extras))  # noqa: SLF001
    if folded is True:
        return None
    if folded is False:
        return False
    return str(Marker(folded))


def or_markers(markers: Iterable[str | None]) -> str | None:
    """The disjunction of ``markers`` (``None`` among them: always)."""
    unique = sorted(set(markers), key=lambda m: "" if m is None else m)
    if not unique or None in unique:
        return None
    if len(unique) == 1:
        return unique[0]
    return str(Marker(" or ".join(f"({m})" for m in unique)))


class Conditions:
    """A marker in disjunctive normal form: a set of conjunctions, each a frozenset of marker strings.

    The empty conjunction is "always". Absorption (``A or (A and B) == A``) keeps the sets small, so a walk over a
    graph with cycles reaches a fixpoint.
    """

    ALWAYS: frozenset[frozenset[str]] = frozenset({frozenset()})

    def __init__(self) -> None:
        self.conjunctions: set[frozenset[str]] = set()

    def add(self, new: Iterable[frozenset[str]]) -> bool:
        """Add conjunctions; whether anything changed."""
        changed = False
        for conjunction in new:
            if any(other <= conjunction for other in self.conjunctions):
                continue
            self.conjunctions -= {other for other in self.conjunctions if conjunction < other}
            self.conjunctions.add(conjunction)
            changed = True
        return changed

    def extended(self, marker: str | None) -> list[frozenset[str]]:
        """Every conjunction and ``marker`` (the conditions of a child through an edge with that marker)."""
        return [conjunction | {marker} if marker else conjunction for conjunction in self.conjunctions]

    def marker(self) -> str | None:
        if frozenset() in self.conjunctions:
            return None
        alternatives = sorted(
            " and ".join(f"({m})" if " or " in m else m for m in sorted(conjunction))
            for conjunction in self.conjunctions
        )
        many = len(alternatives) > 1
        return str(Marker(" or ".join(f"({a})" if many and " and " in a else a for a in alternatives)))
