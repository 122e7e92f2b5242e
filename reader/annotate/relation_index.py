"""The relations of a document in memory, by uid and by the spans they join: a span's mark,
the status line and a jump along a relation each ask about one span, in O(1) whatever the
number of relations."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from reader.store.relations import Relation


class RelationIndex:
    """Relations in the order they came into view; `changed` returns a new index for one
    operation (this one stays as it was, like `SpanIndex.changed`)."""

    __slots__ = ("_by_span", "_by_uid")

    def __init__(self, relations: Iterable[Relation] = ()) -> None:
        self._by_uid: dict[str, Relation] = {}
        # Lists, appended to in place while this index is built; `changed` replaces the
        # lists it touches instead, so an index never changes once published.
        self._by_span: dict[str, list[str]] = {}
        by_uid, by_span = self._by_uid, self._by_span
        get = by_span.get
        for relation in relations:  # by index, not field name: 20% faster at 20,000
            uid = relation[0]
            if uid in by_uid:
                continue
            by_uid[uid] = relation
            for end in (relation[2], relation[3]):  # head_uid, child_uid
                found = get(end)
                if found is None:
                    by_span[end] = [uid]
                else:
                    found.append(uid)

    def changed(self, removed: Iterable[Relation] = (),
                added: Iterable[Relation] = ()) -> RelationIndex:
        """A new index without `removed` (matched by uid) and with `added`."""
        result = RelationIndex.__new__(RelationIndex)
        by_uid = result._by_uid = dict(self._by_uid)
        by_span = result._by_span = dict(self._by_span)
        for gone in removed:
            relation = by_uid.pop(gone.uid, None)
            if relation is None:
                continue
            for end in (relation.head_uid, relation.child_uid):
                rest = [uid for uid in by_span.get(end, ()) if uid != relation.uid]
                if rest:
                    by_span[end] = rest
                else:
                    by_span.pop(end, None)
        for relation in added:
            if relation.uid in by_uid:
                continue
            by_uid[relation.uid] = relation
            for end in (relation.head_uid, relation.child_uid):
                by_span[end] = [*by_span.get(end, ()), relation.uid]
        return result

    def __len__(self) -> int:
        return len(self._by_uid)

    def __iter__(self) -> Iterator[Relation]:
        return iter(self._by_uid.values())

    def __contains__(self, uid: object) -> bool:
        return uid in self._by_uid

    def get(self, uid: str) -> Relation | None:
        return self._by_uid.get(uid)

    def of_span(self, span_uid: str) -> list[Relation]:
        """The relations with `span_uid` at either end (head or child)."""
        by_uid = self._by_uid
        return [by_uid[uid] for uid in self._by_span.get(span_uid, ())]

    def has_span(self, span_uid: str) -> bool:
        """Whether the span is an end of any relation (it carries a mark)."""
        return span_uid in self._by_span

    def find(self, head_uid: str, child_uid: str, label: str,
             annotator: str) -> Relation | None:
        """The relation head -> child with that label by that annotator, if there is one."""
        for relation in self.of_span(head_uid):
            if (relation.head_uid, relation.child_uid, relation.label, relation.annotator) \
                    == (head_uid, child_uid, label, annotator):
                return relation
        return None
