"""Facet filters and counts over the per-generation snapshot arrays.

Why not Whoosh ``groupedby``: Whoosh rebuilds its per-document value lists on every grouped search; the snapshot
(``snapshot.py``) holds them once per index generation as arrays, so counting is numpy under a mask of the
matching documents. Why its own module: the search engine decides *which* documents match; this module only says
how the matches divide over facet values, and the user-data facets (tags, read state) plug in here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from .documents import date_sort_value
from .models import FACETS, USER_FACETS, AllBut
from .snapshot import Snapshot

FACET_VALUES = 200  # values returned per count-ordered facet (author, host...): the most frequent ones
_COUNT_ORDERED = frozenset({"host", "author", "category", "organization"})

UserFacets = Mapping[str, Mapping[str, frozenset[str]]]


def key_set_mask(snap: Snapshot, keys: frozenset[str]) -> np.ndarray:
    mask = snap.mask_of(snap.doc_by_key[k] for k in keys if k in snap.doc_by_key)
    return snap.live & ~mask if isinstance(keys, AllBut) else mask


def docs_for_values(snap: Snapshot, facet: str, values: set[str], sets: UserFacets) -> np.ndarray:
    """Documents with any of ``values``; user-data facets match values case-insensitively (``tag:To-Read``)."""
    if facet not in USER_FACETS:
        return snap.facets[facet].docs_with(values, snap.size)
    docs = np.zeros(snap.size, dtype=bool)
    wanted = {v.casefold() for v in values}
    for value, keys in sets.get(facet, {}).items():
        if value.casefold() in wanted:
            docs |= key_set_mask(snap, keys)
    return docs


def group_filters(filters: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    grouped: dict[str, set[str]] = {}
    for facet, value in filters:
        if facet not in FACETS:
            raise ValueError(f"unknown filter {facet!r}: use one of {', '.join(FACETS)}")
        grouped.setdefault(facet, set()).add(value)
    return grouped


def order_facet_values(facet: str, pairs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Dates newest first, yes before no, sources by name, everything else by count."""
    if facet in ("listed", "year"):
        return sorted(pairs, key=lambda pair: date_sort_value(pair[0]), reverse=True)
    if facet == "upvotes":
        order = ["100+", "50-99", "10-49", "1-9", "0"]
        return sorted(pairs, key=lambda pair: order.index(pair[0]) if pair[0] in order else 99)
    if facet == "state":
        order = ["new", "unread", "read", "dismissed"]
        return sorted(pairs, key=lambda pair: order.index(pair[0]) if pair[0] in order else 99)
    if facet in ("has_code", "bookmarked"):
        return sorted(pairs, key=lambda pair: pair[0] != "yes")
    if facet == "source":
        return sorted(pairs)
    return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))


def count_facets(snap: Snapshot, matching: np.ndarray, allowed: Mapping[str, np.ndarray],
                 selected: Mapping[str, set[str]], sets: UserFacets) -> dict[str, tuple[tuple[str, int], ...]]:
    """Disjunctive counts: each facet under the query and the *other* facets' filters."""
    counts: dict[str, tuple[tuple[str, int], ...]] = {}
    for facet in FACETS:
        docs = matching
        for other, other_docs in allowed.items():
            if other != facet:
                docs = docs & other_docs
        chosen = selected.get(facet, set())
        if facet in USER_FACETS:
            pairs = [(value, int(np.count_nonzero(docs & key_set_mask(snap, keys))))
                     for value, keys in sets.get(facet, {}).items()]
            pairs = [(v, n) for v, n in pairs if n or v in chosen]
        else:
            arrays = snap.facets[facet]
            per_value = arrays.counts(docs)
            nonzero = np.flatnonzero(per_value)
            if facet in _COUNT_ORDERED and nonzero.size > FACET_VALUES:
                top = np.argpartition(-per_value[nonzero], FACET_VALUES)[:FACET_VALUES]
                nonzero = nonzero[top]
            pairs = [(arrays.values[i], int(per_value[i])) for i in nonzero.tolist()]
            shown = {v for v, _ in pairs}
            pairs += [(v, int(per_value[arrays.index[v]]) if v in arrays.index else 0)
                      for v in chosen if v not in shown]
        counts[facet] = tuple(order_facet_values(facet, pairs))
    return counts
