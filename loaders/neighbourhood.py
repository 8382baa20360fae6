"""What the shapes can see from a record: its neighbourhood, for record-by-record validation.

SHACL Core is local: validating a focus node reads only the triples its shapes' paths and value
constraints can reach from it. :func:`shape_reach` reads that reach off ``shapes/``, depth by
depth (depth 0 is the record itself, 1 the resources it links to, ...): which predicates are
followed forward (``sh:path``, ``sh:class`` reads ``rdf:type``, ``sh:closed`` reads everything)
and which backward (``sh:inversePath``). :class:`TripleIndex` then cuts, for a batch of records,
the subgraph holding every triple their validation can read, so that validating the batch alone
gives the same results for those records as validating the whole graph.

Shapes the analysis cannot bound (``sh:zeroOrMorePath``, SPARQL constraints, ...) raise
:class:`UnboundedReachError`: the caller then validates the whole graph.

>>> reach = shape_reach()
>>> from loaders.iris import RALLY
>>> RALLY.location in reach.forward[1]      # the place of a stage an innovation was presented at
True
>>> reach.depth
2
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import chain

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

Triple = tuple[Node, Node, Node]
ALL = None  # every predicate, at a depth where a closed shape looks
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)

# Constraint parameters that read nothing but the value nodes themselves.
_LOCAL = {
    SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minExclusive, SH.minInclusive,
    SH.maxExclusive, SH.maxInclusive, SH.minLength, SH.maxLength, SH.pattern, SH.flags,
    SH.languageIn, SH.uniqueLang, SH["in"], SH.hasValue, SH.qualifiedMinCount,
    SH.qualifiedMaxCount, SH.ignoredProperties,
}  # fmt: skip
# Words about a shape that are no constraint.
_INERT = {
    SH.severity, SH.message, SH.name, SH.description, SH.order, SH.group, SH.defaultValue,
    SH.deactivated, SH.path, *TARGETS,
}  # fmt: skip
_NESTED_ONE = {SH.node, SH["not"], SH.qualifiedValueShape, SH.property}
_NESTED_LIST = {SH["or"], SH["and"], SH.xone}
_COMPARE = {SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals}
_MAX_DEPTH = 8


class UnboundedReachError(ValueError):
    """The shapes read further than a fixed number of hops (or in ways not analysed here)."""


@dataclass(frozen=True)
class Reach:
    """Per depth, the predicates followed forward (``None``: all) and backward."""

    forward: tuple[frozenset[URIRef] | None, ...]
    inverse: tuple[frozenset[URIRef], ...]

    @property
    def depth(self) -> int:
        return len(self.forward)

    @property
    def inverse_predicates(self) -> frozenset[URIRef]:
        return frozenset().union(*self.inverse)


class _Walker:
    """Walks the shapes from their targets, noting what each depth reads."""

    def __init__(self, shapes: Graph):
        self.shapes = shapes
        self.forward: dict[int, set[URIRef] | None] = defaultdict(set)
        self.inverse: dict[int, set[URIRef]] = defaultdict(set)
        self.seen: set[tuple[Node, int]] = set()

    def read(self, depth: int, predicate: Node, backward: bool = False) -> None:
        if depth >= _MAX_DEPTH or not isinstance(predicate, URIRef):
            raise UnboundedReachError(f"cannot bound the reach at depth {depth} ({predicate})")
        if backward:
            self.inverse[depth].add(predicate)
            return
        known = self.forward[depth]
        if known is not None:
            known.add(predicate)

    def read_all(self, depth: int) -> None:
        self.forward[depth] = ALL

    def path(self, path: Node, depth: int) -> set[int]:
        """Note what ``path`` reads from a node at ``depth``; return the depths it ends at."""
        graph = self.shapes
        if isinstance(path, URIRef):
            self.read(depth, path)
            return {depth + 1}
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            if not isinstance(inverse, URIRef):
                raise UnboundedReachError(f"complex inverse path {inverse}")
            self.read(depth, inverse, backward=True)
            return {depth + 1}
        alternatives = graph.value(path, SH.alternativePath)
        if alternatives is not None:
            ends: set[int] = set()
            for member in graph.items(alternatives):
                ends |= self.path(member, depth)
            return ends
        if any(graph.value(path, k) is not None for k in _REPEATS):
            raise UnboundedReachError("repeated path (zeroOrMore, oneOrMore, zeroOrOne)")
        steps = list(graph.items(path))
        if not steps:
            raise UnboundedReachError(f"unknown path {path}")
        current = {depth}
        for step in steps:
            current = {end for start in current for end in self.path(step, start)}
        return current

    def shape(self, shape: Node, depth: int) -> None:
        """Note what validating ``shape`` on a node at ``depth`` reads."""
        if (shape, depth) in self.seen:
            return
        if depth >= _MAX_DEPTH:
            raise UnboundedReachError("shapes nested too deep")
        self.seen.add((shape, depth))
        graph = self.shapes
        path = graph.value(shape, SH.path)
        values = self.path(path, depth) if path is not None else {depth}
        for parameter, value in graph.predicate_objects(shape):
            if parameter in _LOCAL or parameter in _INERT or not str(parameter).startswith(str(SH)):
                continue
            if parameter == SH["class"]:
                for end in values:
                    self.read(end, RDF.type)
            elif parameter == SH.closed:
                for end in values:
                    self.read_all(end)
            elif parameter in _COMPARE:
                self.read(depth, value)
            elif parameter in _NESTED_ONE:
                # sh:property applies to the node itself, the others to each value node
                ends = {depth} if parameter == SH.property else values
                for end in ends:
                    self.shape(value, end)
            elif parameter in _NESTED_LIST:
                for member in graph.items(value):
                    for end in values:
                        self.shape(member, end)
            elif parameter != SH.qualifiedValueShapesDisjoint:
                raise UnboundedReachError(f"{parameter} is not analysed")
            elif value == Literal(True):
                raise UnboundedReachError("sh:qualifiedValueShapesDisjoint reads sibling shapes")

    def reach(self) -> Reach:
        depth = max([*self.forward, *self.inverse, 0]) + 1
        forward = [ALL] + [_frozen(self.forward.get(d, set())) for d in range(1, depth)]
        inverse = [frozenset(self.inverse.get(d, set())) for d in range(depth)]
        return Reach(tuple(forward), tuple(inverse))


_REPEATS = (SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)


def _frozen(predicates: set[URIRef] | None) -> frozenset[URIRef] | None:
    return None if predicates is None else frozenset(predicates)


def targeted_shapes(shapes: Graph) -> set[Node]:
    """Shapes with a target (explicit, or implicit: a shape that is also a class)."""
    found = {s for t in TARGETS for s in shapes.subjects(t, None)}
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in shapes.subjects(RDF.type, kind):
            if {RDFS.Class, OWL.Class} & set(shapes.objects(shape, RDF.type)):
                found.add(shape)
    return found


def reach_of(shapes: Graph) -> Reach:
    """The reach of every targeted shape of ``shapes`` (raises :class:`UnboundedReachError`)."""
    walker = _Walker(shapes)
    for shape in targeted_shapes(shapes):
        walker.shape(shape, 0)
    return walker.reach()


@cache
def shape_reach() -> Reach:
    """The reach of ``shapes/``."""
    from loaders.validation import shapes_graph

    return reach_of(shapes_graph())


class TripleIndex:
    """Triples by subject (and by object, for the predicates read backward), to cut
    neighbourhoods fast; the triples themselves are shared with the list given, not copied."""

    def __init__(self, triples: Iterable[Triple], reach: Reach):
        self.reach = reach
        self.by_subject: dict[Node, list[Triple]] = defaultdict(list)
        self.by_object: dict[Node, list[Triple]] = defaultdict(list)
        backward = reach.inverse_predicates
        for triple in triples:
            self.by_subject[triple[0]].append(triple)
            if triple[1] in backward:
                self.by_object[triple[2]].append(triple)
        self.by_subject.default_factory = None
        self.by_object.default_factory = None

    def __iter__(self) -> Iterator[Triple]:
        for triples in self.by_subject.values():
            yield from triples

    def neighbourhood(self, focus: Iterable[Node]) -> list[Triple]:
        """Every triple that validating the ``focus`` nodes can read, each once (the triples of
        one subject in their original order, so that a record's first label stays first)."""
        found: dict[Triple, None] = {}
        level: set[Node] = set(focus)
        seen: set[tuple[Node, int]] = set()
        for depth in range(self.reach.depth):
            forward, backward = self.reach.forward[depth], self.reach.inverse[depth]
            following: set[Node] = set()
            for node in level:
                if (node, depth) in seen:
                    continue
                seen.add((node, depth))
                for triple in self.by_subject.get(node, ()):
                    if forward is None or triple[1] in forward:
                        found[triple] = None
                        if not isinstance(triple[2], Literal):
                            following.add(triple[2])
                if backward:
                    for triple in self.by_object.get(node, ()):
                        if triple[1] in backward:
                            found[triple] = None
                            following.add(triple[0])
            level = following
        return list(found)


def focus_of(shapes: Graph, index: TripleIndex, support: Iterable[Triple]) -> list[Node]:
    """Every node a targeted shape of ``shapes`` validates in the indexed triples plus ``support``
    (the vocabulary), as pyshacl finds them: classes with their subclasses, subjects and objects
    of target predicates, target nodes. In index order (records stay together)."""
    support = list(support)
    subclasses: dict[Node, set[Node]] = defaultdict(set)
    # sets of one: membership tries identity before rdflib's slow __eq__ (millions of triples)
    subclass, a = {RDFS.subClassOf}, {RDF.type}
    for s, p, o in support:
        if p in subclass:
            subclasses[o].add(s)
    for s, p, o in index:
        if p in subclass:
            subclasses[o].add(s)
    wanted_classes: set[Node] = set()
    subjects_of: set[Node] = set()
    objects_of: set[Node] = set()
    found: dict[Node, None] = {}
    for shape in targeted_shapes(shapes):
        roots = set(shapes.objects(shape, SH.targetClass))
        if {RDFS.Class, OWL.Class} & set(shapes.objects(shape, RDF.type)):
            roots.add(shape)
        wanted_classes |= _closure(roots, subclasses)
        subjects_of.update(shapes.objects(shape, SH.targetSubjectsOf))
        objects_of.update(shapes.objects(shape, SH.targetObjectsOf))
        found.update(dict.fromkeys(shapes.objects(shape, SH.targetNode)))
    for s, p, o in chain(index, support):
        if p in a and o in wanted_classes or p in subjects_of:
            found[s] = None
        if p in objects_of:
            found[o] = None
    return list(found)


def _closure(roots: set[Node], subclasses: dict[Node, set[Node]]) -> set[Node]:
    done: set[Node] = set()
    todo = list(roots)
    while todo:
        cls = todo.pop()
        if cls not in done:
            done.add(cls)
            todo.extend(subclasses.get(cls, ()))
    return done
