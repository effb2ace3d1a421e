"""Decision diagrams for fault trees: BDDs, the ZBDD of their minimal solutions
(minimal cut sets), and exact probabilities.

This is the method of Rauzy ("New algorithms for fault trees analysis",
Reliability Engineering and System Safety 40, 1993) that SCRAM uses by default;
`static_analysis.py` applies it module by module to a preprocessed PDAG:

1. `Bdd` is a reduced ordered binary decision diagram, built gate by gate (OR,
   AND and at-least-k by the recurrence
   atleast(k, x :: rest) = x·atleast(k-1, rest) + atleast(k, rest)).  Variables
   are *levels* 0, 1, ... (the order is the caller's: `pdag.py`).
2. `Zbdd.minimal_solutions` turns the BDD of a monotone function
   f = x·f1 + f0 (f1 ≥ f0) into the zero-suppressed diagram of its minimal
   solutions: minsol(f) = x·(minsol(f1) ÷ f0) ∪ minsol(f0), where F ÷ g keeps
   the sets of F on which g is false.  Rauzy removes the sets
   of minsol(f1) that contain a set of minsol(f0); for a monotone f0 a set
   contains a minimal solution of f0 exactly when it satisfies f0, so the
   filter reads f0's BDD directly and minsol(f0) is never needed for it
   (3.4 times faster on Baobab1).  An order limit K applies as the recursion
   goes: minsol_K(f) = x·(minsol_{K-1}(f1) ÷ f0) ∪ minsol_K(f0).  A minimal
   solution of j members is read off a path to 1 with exactly j high edges
   (the path of the assignment "its members true, the rest false"), so K is
   clipped to the most high edges on a path below each node (`path_heights`),
   which keeps the memo small.  Baobab1: 46,188 minimal cut sets in a
   6,042-node ZBDD, in about 0.07 s.  `has_longer_minimal_solution` tells,
   exactly, whether the limit cut any minimal solution off.
3. `Bdd.probability` is P(f) = p·P(f1) + (1 - p)·P(f0) over the BDD, exact for
   independent events.

Everything is a plain int indexing into lists (level, low, high) with a unique
table, so a diagram lives and dies with its manager: there is no module state.

The apply, the hot loop of every BDD, runs in C where failspec's optional
extension `failspec.checker._apply` was built (`setup.py`; decision 69): the same
recursion over the same lists and unique table, so the same nodes with the same
numbers.  `FAILSPEC_NO_EXTENSION=1` runs the Python one (`Bdd._apply_in_python`),
as where no C compiler was found at install.
"""

from __future__ import annotations

import os
import sys
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TypeAlias

FALSE = 0
"""The BDD leaf 0; also the ZBDD of the empty family."""
TRUE = 1
"""The BDD leaf 1; also the ZBDD of the family {∅}."""

_LEAF_LEVEL = 1 << 30
"""The leaves' level: below every variable."""

try:
    if os.environ.get("FAILSPEC_NO_EXTENSION") == "1":
        raise ImportError("the extension is turned off")
    # _listing (sorting, products and report lines of cut sets) is used by
    # static_analysis and static_report under the same flag.
    from failspec.checker import _apply, _listing  # noqa: F401

    NATIVE = True
except ImportError:  # not built (no C compiler at install), or turned off
    NATIVE = False

Memo: TypeAlias = "dict[tuple[int, int], int] | _apply.Memo"
"""The memo of an operation of the apply: (a, b) -> node (C's own where it runs in C)."""

UniqueTable: TypeAlias = "dict[tuple[int, int, int], int] | _apply.Unique"
"""(level, low, high) -> node: a BDD's is C's own where its apply runs in C."""


@contextmanager
def recursion_room(levels: int) -> Iterator[None]:
    """Let the recursive operations below descend through `levels` variables (each
    level costs a few Python frames)."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 8 * levels + 1000))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def check_deadline(deadline: float | None) -> None:
    """Raise TimeLimitHit when `deadline` (a `time.perf_counter()` value) has passed."""
    if deadline is not None and time.perf_counter() > deadline:
        raise TimeLimitHit


class DiagramTooLarge(Exception):
    """A diagram would outgrow the node budget its manager was given."""


class TimeLimitHit(Exception):
    """A diagram's manager was still making nodes past its deadline."""


DEADLINE_STRIDE = 1 << 13
"""Nodes made between two looks at the clock (a look costs about as much as a node)."""


class _Diagram:
    """Nodes 0 and 1 are leaves; node i > 1 has a `level[i]`, a `low[i]` and a
    `high[i]` child, each (level, low, high) stored once.  Making a node past
    `max_nodes` raises DiagramTooLarge, and past `deadline` (a `time.perf_counter()`
    value, looked at every DEADLINE_STRIDE nodes) TimeLimitHit."""

    def __init__(self, max_nodes: int | None = None, deadline: float | None = None) -> None:
        self.max_nodes = max_nodes
        self.deadline = deadline
        self.level: list[int] = [_LEAF_LEVEL, _LEAF_LEVEL]
        self.low: list[int] = [FALSE, TRUE]
        self.high: list[int] = [FALSE, TRUE]
        self._unique: UniqueTable = _apply.Unique() if NATIVE else {}

    def _native(self) -> _apply.Manager:
        """The manager as the extension's functions take it: the lists, the unique
        table (C's own), the node budget, the clock's stride and look, DiagramTooLarge."""
        assert isinstance(self._unique, _apply.Unique)
        deadline = self.deadline
        return (
            self.level,
            self.low,
            self.high,
            self._unique,
            (1 << 62) if self.max_nodes is None else self.max_nodes,
            DEADLINE_STRIDE - 1,
            None if deadline is None else lambda: check_deadline(deadline),
            DiagramTooLarge,
        )

    @property
    def native(self) -> bool:
        """Whether the extension's functions run on this manager (its unique table is
        C's own: the extension is built, and the table was not swapped for a dict)."""
        return NATIVE and isinstance(self._unique, _apply.Unique)

    def __len__(self) -> int:
        """The number of nodes, leaves included."""
        return len(self.level)

    def _make(self, level: int, low: int, high: int) -> int:
        key = (level, low, high)
        found = self._unique.get(key)
        if found is None:
            found = len(self.level)
            if self.max_nodes is not None and found >= self.max_nodes:
                raise DiagramTooLarge
            if not found % DEADLINE_STRIDE and self.deadline is not None:
                check_deadline(self.deadline)
            self.level.append(level)
            self.low.append(low)
            self.high.append(high)
            self._unique[key] = found
        return found


class Bdd(_Diagram):
    """A reduced ordered BDD without complement edges.  Node 0 is false, node 1
    true; node i > 1 tests variable `level[i]`: `high[i]` if it is true, else
    `low[i]`.  Lower levels come first (nearer the root)."""

    def __init__(self, max_nodes: int | None = None, deadline: float | None = None) -> None:
        super().__init__(max_nodes, deadline)
        self._and: Memo = _apply.Memo() if NATIVE else {}
        self._or: Memo = _apply.Memo() if NATIVE else {}
        self._not: dict[int, int] | _apply.Memo = (
            _apply.Memo() if NATIVE else {FALSE: TRUE, TRUE: FALSE}
        )
        self._closure: dict[int, int] = {FALSE: FALSE, TRUE: TRUE}

    def node(self, level: int, low: int, high: int) -> int:
        """The node testing `level` with these children (reduced: low == high is low)."""
        return low if low == high else self._make(level, low, high)

    def forget_operations(self) -> None:
        """Empty the memo of AND and OR (the nodes stay): to bound memory when the
        operands met so far will not come again."""
        self._and.clear()
        self._or.clear()

    def negate(self, a: int) -> int:
        """NOT a."""
        if not isinstance(self._not, dict):
            return _apply.negate(self._native(), self._not, a)
        found = self._not.get(a)
        if found is None:
            found = self._make(self.level[a], self.negate(self.low[a]), self.negate(self.high[a]))
            self._not[a] = found
            self._not[found] = a
        return found

    def upward_closure(self, a: int) -> int:
        """The monotone function "some subset of the true variables satisfies a (the
        others false)": up(x·f1 + ¬x·f0) = x·(up(f1) ∨ up(f0)) + ¬x·up(f0).  Its minimal
        solutions are a's minimal solutions (with every other variable false)."""
        found = self._closure.get(a)
        if found is None:
            low = self.upward_closure(self.low[a])
            found = self.node(
                self.level[a], low, self.disjoin(low, self.upward_closure(self.high[a]))
            )
            self._closure[a] = found
        return found

    def variable(self, level: int) -> int:
        """The function `level is true`."""
        return self.node(level, FALSE, TRUE)

    def conjoin(self, a: int, b: int) -> int:
        """a AND b."""
        return self._apply(a, b, FALSE, self._and)

    def disjoin(self, a: int, b: int) -> int:
        """a OR b."""
        return self._apply(a, b, TRUE, self._or)

    def _apply(self, a: int, b: int, absorbing: int, cache: Memo) -> int:
        """a OP b for the operator whose absorbing leaf is given (the other leaf is its
        unit), in C where the extension is built, else in Python."""
        if isinstance(cache, dict):
            return self._apply_in_python(a, b, absorbing, cache)
        return _apply.apply(self._native(), cache, a, b, absorbing)

    def _apply_in_python(
        self, a: int, b: int, absorbing: int, cache: dict[tuple[int, int], int]
    ) -> int:
        """a OP b for the operator whose absorbing leaf is given (the other leaf is its
        unit; the recursion is one closure over local names: the hot loop of every
        BDD).  A new
        node is made here rather than by `_make` (the same checks: the budget, and the
        clock every DEADLINE_STRIDE nodes): a method call and a second key per node cost
        15–25 % of a build (edfpa14r, edfpa15p, elf9601, das9207 in process)."""
        level, low, high = self.level, self.low, self.high
        unique = self._unique
        limit = (1 << 62) if self.max_nodes is None else self.max_nodes
        deadline = self.deadline
        stride = DEADLINE_STRIDE - 1
        add_level, add_low, add_high = level.append, low.append, high.append

        def go(a: int, b: int) -> int:
            if a > b:
                a, b = b, a
            if a <= TRUE:  # a leaf: absorbing, or the unit and then b
                return a if a == absorbing else b
            if a == b:
                return a
            key = (a, b)
            found = cache.get(key)
            if found is not None:
                return found
            la, lb = level[a], level[b]
            if la == lb:
                x, lo, hi = la, go(low[a], low[b]), go(high[a], high[b])
            elif la < lb:
                x, lo, hi = la, go(low[a], b), go(high[a], b)
            else:
                x, lo, hi = lb, go(a, low[b]), go(a, high[b])
            if lo == hi:
                found = lo
            else:
                triple = (x, lo, hi)
                found = unique.get(triple)
                if found is None:
                    found = len(level)
                    if found >= limit:
                        raise DiagramTooLarge
                    if not found & stride and deadline is not None:
                        check_deadline(deadline)
                    add_level(x)
                    add_low(lo)
                    add_high(hi)
                    unique[triple] = found
            cache[key] = found
            return found

        return go(a, b)

    def at_least(self, k: int, inputs: Sequence[int]) -> int:
        """True while at least `k` of `inputs` are true."""
        if k <= 0:
            return TRUE
        if k == 1:
            return _fold(self.disjoin, FALSE, inputs)
        if k == len(inputs):
            return _fold(self.conjoin, TRUE, inputs)
        if k > len(inputs):
            return FALSE
        # atleast(k, [x, *rest]) = x · atleast(k-1, rest) + atleast(k, rest), memoised on
        # (k, position): O(k · n) operations instead of C(n, k).
        memo: dict[tuple[int, int], int] = {}

        def vote(need: int, start: int) -> int:
            if need == 0:
                return TRUE
            if need > len(inputs) - start:
                return FALSE
            key = (need, start)
            if key not in memo:
                with_first = self.conjoin(inputs[start], vote(need - 1, start + 1))
                memo[key] = self.disjoin(with_first, vote(need, start + 1))
            return memo[key]

        return vote(k, 0)

    def support(self, root: int) -> tuple[int, ...]:
        """The levels `root` tests, ascending."""
        seen: set[int] = set()
        stack = [root]
        while stack:
            i = stack.pop()
            if i > TRUE and i not in seen:
                seen.add(i)
                stack += (self.low[i], self.high[i])
        return tuple(sorted({self.level[i] for i in seen}))

    def probability(self, root: int, p: Sequence[float]) -> float:
        """P(root is true) when level i is true with probability p[i], independently."""
        values: dict[int, float] = {FALSE: 0.0, TRUE: 1.0}
        level, low, high = self.level, self.low, self.high
        stack = [root]
        while stack:
            i = stack[-1]
            if i in values:
                stack.pop()
                continue
            lo, hi = low[i], high[i]
            if lo not in values or hi not in values:
                stack.extend(c for c in (lo, hi) if c not in values)
                continue
            stack.pop()
            q = p[level[i]]
            values[i] = q * values[hi] + (1.0 - q) * values[lo]
        return values[root]


class Valuation:
    """The probabilities of a BDD's nodes, P(x·f1 + ¬x·f0) = p·P(f1) + (1 - p)·P(f0),
    each node valued once, after its children: `of` values the nodes below a root that
    no earlier call valued (those keep their value, so a module's walk stops where an
    earlier module's valued).  In C where the extension runs, with the same floats:
    the same two products and one sum, no fused multiply-add (`setup.py`)."""

    def __init__(self, bdd: Bdd) -> None:
        self.bdd = bdd
        self.values = array("d", bytes(8 * len(bdd)))
        self.values[TRUE] = 1.0
        self.done = bytearray(len(bdd))
        self.done[FALSE] = self.done[TRUE] = 1

    def of(self, root: int, by_level: list[float]) -> float:
        """P(root), level i being true with probability `by_level[i]`."""
        bdd, values, done = self.bdd, self.values, self.done
        if bdd.native:
            return _apply.valuate(bdd._native(), root, by_level, values, done)
        low, high, level_of = bdd.low, bdd.high, bdd.level
        fresh: list[int] = []
        stack = [root]
        while stack:
            i = stack.pop()
            if not done[i]:
                done[i] = 1
                fresh.append(i)
                stack.append(low[i])
                stack.append(high[i])
        fresh.sort()  # children before parents
        for i in fresh:
            q = by_level[level_of[i]]
            values[i] = q * values[high[i]] + (1.0 - q) * values[low[i]]
        return values[root]


def _fold(operation: Callable[[int, int], int], unit: int, inputs: Sequence[int]) -> int:
    result = unit
    for item in inputs:
        result = operation(result, item)
    return result


class Zbdd(_Diagram):
    """A zero-suppressed decision diagram of families of sets of levels.  Node 0 is
    the empty family, node 1 the family {∅}; node i > 1 is the family
    low[i] ∪ {s ∪ {level[i]} : s ∈ high[i]}."""

    def __init__(self, max_nodes: int | None = None, deadline: float | None = None) -> None:
        super().__init__(max_nodes, deadline)
        self._without: Memo = _apply.Memo() if NATIVE else {}

    def node(self, level: int, low: int, high: int) -> int:
        """The family `low ∪ level·high` (reduced: an empty `high` is `low`)."""
        return low if high == FALSE else self._make(level, low, high)

    def minimal_solutions(
        self, bdd: Bdd, root: int, max_order: int, height: Sequence[int] | None = None
    ) -> int:
        """The family of minimal solutions of at most `max_order` members of the
        monotone function `root` of `bdd` (same levels); `height`: `path_heights(bdd, r)`
        for some r ≥ root, when the caller has it."""
        if height is None:
            height = path_heights(bdd, root)
        if self.native and bdd.native and max_order >= 0:
            return self._minimal_solutions_in_c(bdd, root, max_order, height, monotone=True)
        return self._minimal_solutions_in_python(bdd, root, max_order, height)

    def _minimal_solutions_in_python(
        self, bdd: Bdd, root: int, max_order: int, height: Sequence[int]
    ) -> int:
        solutions: dict[tuple[int, int], int] = {}
        filtered: dict[tuple[int, int], int] = {}
        level, low, high = bdd.level, bdd.low, bdd.high
        z_level, z_low, z_high, node = self.level, self.low, self.high, self.node
        unique, make = self._unique, self._make

        def falsifying(family: int, g: int) -> int:
            """The sets of `family` on which g is false (a set: its members true, the
            rest false)."""
            if g == TRUE or family == FALSE:
                return FALSE
            if g == FALSE or family == TRUE:
                return family  # a monotone g other than true is false on ∅
            key = (family, g)
            found = filtered.get(key)
            if found is None:
                lf, lg = z_level[family], level[g]
                while lf > lg:  # no set of the family holds lg: g's low branch decides
                    g = low[g]
                    if g <= TRUE:
                        found = FALSE if g == TRUE else family
                        filtered[key] = found
                        return found
                    lg = level[g]
                if lf < lg:
                    lo, hi = falsifying(z_low[family], g), falsifying(z_high[family], g)
                else:
                    lo, hi = falsifying(z_low[family], low[g]), falsifying(z_high[family], high[g])
                if hi == FALSE:
                    found = lo
                else:
                    found = unique.get((lf, lo, hi))
                    if found is None:
                        found = make(lf, lo, hi)
                filtered[key] = found
            return found

        def minsol(f: int, order: int) -> int:
            if f <= TRUE:
                return f  # false: no solution; true: ∅ is the minimal one
            order = min(order, height[f])
            if order == 0:
                return FALSE  # f is not constant, so ∅ is no solution of it (monotone)
            key = (f, order)
            found = solutions.get(key)
            if found is None:
                f0, f1 = low[f], high[f]
                with_x = falsifying(minsol(f1, order - 1), f0)
                found = node(level[f], minsol(f0, order), with_x)
                solutions[key] = found
            return found

        return minsol(root, max_order)

    def _minimal_solutions_in_c(
        self, bdd: Bdd, root: int, max_order: int, height: Sequence[int], monotone: bool
    ) -> int:
        """`minimal_solutions` (monotone) or `minimal_solutions_any` in C: the same
        recursion, the same nodes in the same order (decision 70)."""
        memo = None if monotone else self._without
        assert memo is None or isinstance(memo, _apply.Memo)
        heights = _heights_array(height)
        return _apply.minimal_solutions(
            bdd._native(), self._native(), root, max_order, heights, memo
        )

    def minimal_solutions_any(
        self, bdd: Bdd, root: int, max_order: int, height: Sequence[int] | None = None
    ) -> int:
        """The family of minimal solutions of at most `max_order` members of `root`, a
        function that need not be monotone: the minimal sets S such that `root` is true
        with the members of S true and every other variable false.  Rauzy's recurrence
        minsol_K(f) = minsol_K(f0) ∪ x·(minsol_{K-1}(f1) without supersets of
        minsol_{K-1}(f0)): a set S ∪ {x} is minimal exactly when S is a minimal
        solution of f1 and no subset of S is a solution of f0 (only sets of at most
        K − 1 members can be subsets of S)."""
        if height is None:
            height = path_heights(bdd, root)
        if self.native and bdd.native and max_order >= 0:
            return self._minimal_solutions_in_c(bdd, root, max_order, height, monotone=False)
        solutions: dict[tuple[int, int], int] = {}
        level, low, high = bdd.level, bdd.low, bdd.high
        without, node = self.without, self.node

        empty: dict[int, bool] = {}

        def empty_solves(f: int) -> bool:
            """Whether f is true with every variable false: the leaf of its low edges
            (remembered for each node on the way: cea9601 asks 156,000 times)."""
            path: list[int] = []
            while f > TRUE:
                found = empty.get(f)
                if found is not None:
                    break
                path.append(f)
                f = low[f]
            else:
                found = f == TRUE
            for g in path:
                empty[g] = found
            return found

        def minsol(f: int, order: int) -> int:
            if f <= TRUE:
                return f
            order = min(order, height[f])
            if order == 0:
                return TRUE if empty_solves(f) else FALSE
            key = (f, order)
            found = solutions.get(key)
            if found is None:
                f0, f1 = low[f], high[f]
                with_x = without(minsol(f1, order - 1), minsol(f0, order - 1))
                found = node(level[f], minsol(f0, order), with_x)
                solutions[key] = found
            return found

        return minsol(root, max_order)

    def without(self, family: int, removed: int) -> int:
        """The sets of `family` that contain no set of `removed`."""
        memo = self._without
        if not isinstance(memo, dict):
            return _apply.without(self._native(), memo, family, removed)
        z_level, z_low, z_high = self.level, self.low, self.high

        def contains_empty(g: int) -> bool:
            while g > TRUE:
                g = z_low[g]
            return g == TRUE

        def go(f: int, g: int) -> int:
            if g == FALSE or f == FALSE:
                return f
            if g == TRUE:
                return FALSE
            if f == TRUE:
                return FALSE if contains_empty(g) else TRUE
            key = (f, g)
            found = memo.get(key)
            if found is None:
                lf, lg = z_level[f], z_level[g]
                if lf < lg:
                    found = self.node(lf, go(z_low[f], g), go(z_high[f], g))
                elif lf > lg:
                    found = go(f, z_low[g])
                else:
                    g0 = z_low[g]
                    found = self.node(lf, go(z_low[f], g0), go(go(z_high[f], z_high[g]), g0))
                memo[key] = found
            return found

        return go(family, removed)

    def upward_closure(self, bdd: Bdd, family: int) -> int:
        """The BDD (same levels) of 'contains some set of `family`'."""
        memo: dict[int, int] = {}
        level, low, high = self.level, self.low, self.high

        def up(z: int) -> int:
            if z <= TRUE:
                return z
            found = memo.get(z)
            if found is None:
                lo = up(low[z])
                found = bdd.node(level[z], lo, bdd.disjoin(lo, up(high[z])))
                memo[z] = found
            return found

        return up(family)

    def from_sets(self, sets: Sequence[Sequence[int]]) -> int:
        """The family of `sets` (each a sequence of levels)."""
        ordered = sorted({tuple(sorted(s)) for s in sets})

        def build(start: int, end: int, depth: int) -> int:
            # ordered[start:end] share their first `depth` levels and sort lexicographically.
            if start == end:
                return FALSE
            result = FALSE
            if len(ordered[start]) == depth:
                result = TRUE
                start += 1
            # Group by the level at `depth`; a lower level comes first in the sort.
            groups: list[tuple[int, int, int]] = []
            i = start
            while i < end:
                first = ordered[i][depth]
                j = i
                while j < end and ordered[j][depth] == first:
                    j += 1
                groups.append((first, i, j))
                i = j
            # Build from the highest level up, so each node's low child is below it.
            for first, i, j in reversed(groups):
                result = self.node(first, result, build(i, j, depth + 1))
            return result

        return build(0, len(ordered), 0)

    def sets(self, family: int, label: Sequence[int]) -> list[tuple[int, ...]]:
        """The sets of `family`, each as the ascending `label[level]` of its members'
        levels, depth first, a node's high branch before its low one.  One call a high
        edge and each set sorted once: on Baobab1's 46,188 sets half the time of
        building every path as a tuple and mapping it after."""
        if self.native and isinstance(label, list):
            return _apply.sets(self._native(), family, label)
        level, low, high = self.level, self.low, self.high
        found: list[tuple[int, ...]] = []
        path: list[int] = []
        keep, take, drop = found.append, path.append, path.pop

        def walk(z: int) -> None:
            while z > TRUE:
                take(label[level[z]])
                below = high[z]
                if below == TRUE:
                    keep(tuple(sorted(path)))
                elif below > TRUE:
                    walk(below)
                drop()
                z = low[z]
            if z == TRUE:
                keep(tuple(sorted(path)))

        with recursion_room(len(label)):  # a set has at most one member a level
            walk(family)
        return found


_NO_PATH = -(1 << 40)
"""The height of false: no path to true (below any sum of weights)."""


def path_heights(bdd: Bdd, root: int, weight: Sequence[int] | None = None) -> Sequence[int]:
    """For each node up to `root` (by number), the most high edges on a path from it to
    true (with `weight`, the most total weight of the levels of those edges; true: 0;
    false: negative).  A node is made after its children, so one pass in number order
    does it, with no stack and no dict (nodes of other diagrams in the manager come
    along; their heights are never read).  In C where the extension runs: an
    array('q'), read as the list."""
    last = max(root, TRUE) + 1
    if bdd.native:
        out = array("q", bytes(8 * last))
        _apply.heights(bdd._native(), last, None if weight is None else list(weight), out)
        return out
    heights = [_NO_PATH, 0]
    append = heights.append
    if weight is None:
        for lo, hi in zip(bdd.low[2:last], bdd.high[2:last], strict=True):
            a, b = heights[lo], heights[hi] + 1
            append(a if a > b else b)
    else:
        for lo, hi, lv in zip(bdd.low[2:last], bdd.high[2:last], bdd.level[2:last], strict=True):
            a, b = heights[lo], heights[hi] + weight[lv]
            append(a if a > b else b)
    return heights


def _heights_array(height: Sequence[int]) -> array[int]:
    """`height` as the extension reads it: an array('q')."""
    if isinstance(height, array) and height.typecode == "q":
        return height
    return array("q", height)


def has_longer_minimal_solution(
    bdd: Bdd,
    root: int,
    max_order: int,
    weight: Sequence[int] | None = None,
    height: Sequence[int] | None = None,
) -> bool:
    """Whether the monotone function `root` has a minimal solution of more than
    `max_order` members (with `weight`, of total weight more than `max_order`, level
    i weighing `weight[i]` ≥ 1: a module variable weighs its module's longest cut set).

    Let U(f, K) be the function "contains a minimal solution of f of weight at most
    K".  U(f, K) is f when K reaches f's (weighted) height; else, for f = x·f1 + f0,
    U(f, K) = x·(U(f1, K-w(x)) ∨ U(f0, K)) + ¬x·U(f0, K) (from the recurrence of
    `Zbdd.minimal_solutions`: the sets F ÷ f0 drops each contain a minimal solution of
    f0 of weight at most K-w(x), which U(f0, K) covers).  The answer is
    U(root, max_order) ≠ root.  By canonicity U(f, K) = f exactly when U(f0, K) = f0
    and U(f1, K-w(x)) ∨ f0 = f1, and the second holds at once when U(f1, K-w(x)) = f1
    (f1 ≥ f0): `same` decides that, and builds U only where a high branch lost
    solutions.  `height`: `path_heights(bdd, root, weight)` when the caller has it."""
    if root <= TRUE:
        return False
    if height is None:
        height = path_heights(bdd, root, weight)
    if max_order >= height[root]:
        return False
    built: dict[tuple[int, int], int] = {}
    decided: dict[tuple[int, int], bool] = {}
    level, low, high = bdd.level, bdd.low, bdd.high

    def cost(f: int) -> int:
        return 1 if weight is None else weight[level[f]]

    def covered(f: int, order: int) -> int:
        if order < 0:
            return FALSE  # not even the empty set weighs less than 0
        if f <= TRUE or order >= height[f]:
            return f
        if order == 0:
            return FALSE
        key = (f, order)
        found = built.get(key)
        if found is None:
            lo = covered(low[f], order)
            hi = covered(high[f], order - cost(f))
            found = bdd.node(level[f], lo, bdd.disjoin(hi, lo))
            built[key] = found
        return found

    def same(f: int, order: int) -> bool:
        if order < 0:
            return f == FALSE
        if f <= TRUE or order >= height[f]:
            return True
        if order == 0:
            return False  # U(f, 0) is false, f is not
        key = (f, order)
        found = decided.get(key)
        if found is None:
            f0, f1 = low[f], high[f]
            rest = order - cost(f)
            found = same(f0, order) and (same(f1, rest) or bdd.disjoin(covered(f1, rest), f0) == f1)
            decided[key] = found
        return found

    return not same(root, max_order)


def probability_of_sets(
    sets: Sequence[Sequence[int]], p: Mapping[int, float], max_nodes: int | None = None
) -> float:
    """P(every member of at least one of `sets` is true), members true independently
    with probability p[member].  Raise DiagramTooLarge past `max_nodes` nodes.

    The members most sets share come first in the variable order (ties by value): on
    Baobab1's 46,188 cut sets that order gives a 44,000-node diagram in 0.3 s, where
    ascending members outgrow memory."""
    frequency = Counter(m for s in sets for m in s)
    members = sorted(frequency, key=lambda m: (-frequency[m], m))
    levels = {m: i for i, m in enumerate(members)}
    bdd, zbdd = Bdd(max_nodes), Zbdd(max_nodes)
    with recursion_room(len(members)):
        family = zbdd.from_sets([[levels[m] for m in s] for s in sets])
        root = zbdd.upward_closure(bdd, family)
    return bdd.probability(root, [p[m] for m in members])


def nodes_upward(bdd: Bdd, root: int) -> list[int]:
    """The inner nodes below `root`, children before parents: a node is always made
    after its children, so ascending numbers are a topological order."""
    seen: set[int] = set()
    stack = [root]
    low, high = bdd.low, bdd.high
    while stack:
        i = stack.pop()
        if i > TRUE and i not in seen:
            seen.add(i)
            stack.append(low[i])
            stack.append(high[i])
    return sorted(seen)
