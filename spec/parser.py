"""Text -> AST: parse a failspec model with the lark grammar in `grammar.lark`.

`parse_model` is the only entry point.  It raises `SpecError` (one error) or
`SpecErrors` (several) and nothing else for any input: lark's exceptions are
converted here, and no lark type leaves this module.

The grammar accepts every component item in every kind of component; the
transformer builds the node of the component's kind and reports an item that
belongs elsewhere (`capacity` in a device), a single item given twice, and
literals that do not read (`25:00`, `30` without a unit).  Checks that need
the whole model (names, kinds, cycles) are `validate.py`'s.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from lark import Lark, Token, Transformer, Tree, v_args
from lark import __version__ as lark_version
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)
from lark.lexer import PatternStr

from failspec.spec import ast
from failspec.spec.durations import (
    DURATION_HINT,
    LiteralError,
    parse_clock,
    parse_day_clock,
    parse_duration,
    parse_integer,
    parse_number,
    parse_rate_unit,
)
from failspec.spec.errors import SpecError, SpecErrors
from failspec.spec.spans import Span

GRAMMAR_PATH = Path(__file__).with_name("grammar.lark")

_COMMON_ITEMS = ("fault", "needs", "rides out", "recovers in")
_KIND_ITEMS = {
    "device": _COMMON_ITEMS,
    "program": _COMMON_ITEMS,
    "service": _COMMON_ITEMS,
    "store": (*_COMMON_ITEMS, "capacity"),
    "failover": (*_COMMON_ITEMS, "primary", "secondary", "detect", "manual"),
    "partition": (*_COMMON_ITEMS, "closes", "reopens"),
    "channel": (*_COMMON_ITEMS, "via", "through", "timeout", "transaction", "on", "open"),
    "job": (*_COMMON_ITEMS, "at", "after", "takes", "writes"),
}
_TRANSACTION_ITEMS = ("calls", "rate", "on", "open")
_SINGLE_ITEMS = frozenset(
    {"primary", "secondary", "manual", "capacity", "closes", "reopens", "through", "timeout"}
    | {"at", "takes", "rate", "rides out", "recovers in", "open"}
)
_CLOCK_24 = ("24:00", "24:00:00")
"""Written like this, midnight at the end of day 1 may end a window (and nothing else)."""
_UNIT_WORDS = frozenset(
    {"s", "sec", "secs", "second", "seconds", "m", "min", "mins", "minute", "minutes"}
    | {"h", "hr", "hrs", "hour", "hours", "d", "day", "days"}
)
"""Words that, written apart from a number (`20 s`), were meant as its unit."""
_SPACED_NUMBER = re.compile(r"([0-9](_?[0-9])*[dhms]?)([ \t]+)$")
_TERMINAL_DESCRIPTIONS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "DURATION": "a duration",
    "CLOCK": "a clock time",
    "STRING": 'a quoted "string"',
    "_SEP": "end of line",
    "$END": "end of file",
}
_WORD_AT = re.compile(r"[A-Za-z0-9_]+([.:][A-Za-z0-9_]+)*")


class _AcceptNames:
    """A do-nothing postlexer that makes NAME acceptable in every lexer state.

    Without it, the contextual lexer would read `devicefoo` as the keyword
    `device` followed by the name `foo` where only a keyword is expected.
    """

    always_accept = ("NAME",)

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        return stream


def _tables_cache(grammar: str) -> str | None:
    """Where lark keeps the parser's tables between runs: a file of this user's cache
    folder (`$XDG_CACHE_HOME/failspec`, else `~/.cache/failspec`) named after the
    grammar and lark's version, or None when that folder cannot be written (the
    tables are then built each time, a fifth of a second).  Lark checks the file
    against the grammar before it uses it."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "failspec"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    if not os.access(folder, os.W_OK):
        return None
    digest = hashlib.sha256(grammar.encode("utf-8")).hexdigest()[:16]
    return str(folder / f"grammar-{digest}-lark-{lark_version}.tables")


def _build(cache: str | bool) -> Lark:
    return Lark(
        GRAMMAR_PATH.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=False,
        postlex=_AcceptNames(),
        cache=cache,
    )


@functools.cache
def _lark() -> Lark:
    return _build(_tables_cache(GRAMMAR_PATH.read_text(encoding="utf-8")) or False)


@functools.cache
def grammar_parser() -> Lark:
    """Return the lark parser of the language with its grammar (a parser read from the
    tables' cache has none), for grammar fuzzing in the tests only."""
    return _build(False)


def parse_model(text: str, file: str) -> ast.Model:
    """Parse the model `text` read from `file` into its AST.

    Raise `SpecError` for a syntax error or a single malformed item, and
    `SpecErrors` (sorted by position) when several items are malformed.
    """
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as error:
        raise _syntax_error(error, text, file) from None
    except LarkError as error:  # pragma: no cover - lark raises UnexpectedInput for bad input
        raise SpecError(Span.point(file, 1, 1), f"cannot parse the model: {error}") from None
    _check_nesting(tree, file)
    builder = _AstBuilder(file)
    try:
        model: ast.Model = builder.transform(tree)
    except VisitError as error:  # pragma: no cover - the builder reports, it does not raise
        raise SpecError(Span.point(file, 1, 1), f"cannot read the model: {error}") from None
    if len(builder.errors) == 1:
        raise builder.errors[0]
    if builder.errors:
        raise SpecErrors(builder.errors)
    return model


# --- nesting ----------------------------------------------------------------------

MAX_NESTING = 100
"""The deepest nesting of `not`, `and`/`or` and parentheses an expression may have.
Chains of one operator (`a or b or c …`) are flat, so this limits nesting alone,
never length: past it every later stage would have to recurse that deep."""

_NESTING_NODES = frozenset({"or_", "and_", "not_"})


def _check_nesting(tree: Tree[Token], file: str) -> None:
    """Raise SpecError at the first expression nested more than MAX_NESTING deep.
    The walk is iterative: the tree of such an expression is too deep to recurse on."""
    stack: list[tuple[Tree[Token], int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if node.data in _NESTING_NODES:
            depth += 1
            if depth > MAX_NESTING:
                meta = node.meta
                span = Span(file, meta.line, meta.column, meta.line, meta.column + 3)
                raise SpecError(
                    span,
                    f"expression nested too deeply (more than {MAX_NESTING} levels of "
                    "'not', 'and'/'or' and parentheses)",
                    "write it as several assertions, or drop doubled 'not's ('not not A' is 'A')",
                )
        stack.extend((child, depth) for child in node.children if isinstance(child, Tree))


# --- syntax errors -----------------------------------------------------------------


def _syntax_error(error: UnexpectedInput, text: str, file: str) -> SpecError:
    if isinstance(error, UnexpectedCharacters):
        return _character_error(error, text, file)
    if isinstance(error, UnexpectedToken):
        return _token_error(error, text, file)
    return SpecError(Span.point(file, error.line, error.column), "syntax error")


def _character_error(error: UnexpectedCharacters, text: str, file: str) -> SpecError:
    position = error.pos_in_stream or 0
    char = text[position]
    expected = _describe_expected(_parser_expects(error) or set(error.allowed or ()))
    if char.isdigit():
        match = _WORD_AT.match(text, position)
        word = match.group(0) if match else char
        span = Span(file, error.line, error.column, error.line, error.column + len(word))
        return SpecError(span, f"malformed number or duration '{word}'", DURATION_HINT)
    if char == '"':
        line_end = text.find("\n", position)
        length = (len(text) if line_end < 0 else line_end) - position
        span = Span(file, error.line, error.column, error.line, error.column + max(length, 1))
        return SpecError(span, "unterminated string", 'a quoted string ends with " on its line')
    return SpecError(
        Span.point(file, error.line, error.column),
        f"unexpected character {char!r}",
        f"expected {expected}" if expected else None,
    )


def _parser_expects(error: UnexpectedCharacters) -> set[str]:
    """The terminals the parser expected where the lexer failed (keywords included)."""
    try:
        state = error.state
        names = state.parse_conf.parse_table.states[state.position]
    except AttributeError:  # pragma: no cover - lark without parser state in the error
        return set()
    # the table also holds the rules it goes to; terminals are the upper-case names
    return {name for name in names if name == name.upper()}


def _token_error(error: UnexpectedToken, text: str, file: str) -> SpecError:
    token = error.token
    expected_names = set(error.expected)
    expected = _describe_expected(expected_names)
    hint = f"expected {expected}" if expected else None
    if token.type == "$END":
        # point just past the last character that is not white space
        lines = text.rstrip().split("\n")
        span = Span.point(file, len(lines), len(lines[-1]) + 1)
        return SpecError(span, "unexpected end of file", hint)
    line = token.line if token.line is not None else 1
    column = token.column if token.column is not None else 1
    if token.type == "_SEP":
        what = "';'" if str(token).startswith(";") else "end of line"
        return SpecError(Span.point(file, line, column), f"unexpected {what}", hint)
    span = Span(file, line, column, line, column + len(str(token)))
    word = str(token)
    spaced = _spaced_duration(token, text, file)
    if spaced is not None:
        return spaced
    if token.type == "NAME" and word != word.lower():
        return _uppercase_error(word, span)
    if token.type == "NAME":
        keywords = sorted(_keyword_values(expected_names))
        close = difflib.get_close_matches(word, keywords, n=1)
        if close:
            hint = f"did you mean '{close[0]}'?"
    return SpecError(span, f"unexpected '{word}'", hint)


def _spaced_duration(token: Token, text: str, file: str) -> SpecError | None:
    """`within 20 s`, `takes 1h 30m`: a duration written with a space inside, read as a
    number (or duration) and then an unexpected unit; say how to write it."""
    word = str(token)
    unit = word.lower() in _UNIT_WORDS
    compound = token.type == "DURATION"
    if not (unit or compound) or token.start_pos is None or token.line is None:
        return None
    line_start = text.rfind("\n", 0, token.start_pos) + 1
    before = _SPACED_NUMBER.search(text[line_start : token.start_pos])
    if before is None or (compound and not before.group(1)[-1].isalpha()):
        return None
    number = before.group(1)
    if unit and number[-1].isalpha():
        return None  # `10s s`: not a spaced unit
    written = number + before.group(3) + word
    glued = number + (word[0].lower() if unit else word)
    column = (token.column or 1) - len(number) - len(before.group(3))
    span = Span(file, token.line, column, token.line, column + len(written))
    return SpecError(span, f"a space inside the duration '{written}'", f"write {glued}")


def _uppercase_error(word: str, span: Span) -> SpecError:
    return SpecError(span, f"'{word}': names and keywords are lowercase", f"write '{word.lower()}'")


def _keyword_values(terminal_names: set[str]) -> set[str]:
    lark = _lark()
    values = set()
    for name in terminal_names:
        if name in _TERMINAL_DESCRIPTIONS:
            continue
        pattern = lark.get_terminal(name).pattern
        if isinstance(pattern, PatternStr):
            values.add(pattern.value)
    return values


def _describe_expected(terminal_names: set[str]) -> str:
    """Return `'a', 'b' or a name` for a set of lark terminal names, in a fixed order."""
    keywords = [f"'{value}'" for value in sorted(_keyword_values(terminal_names))]
    others = [
        description
        for name, description in _TERMINAL_DESCRIPTIONS.items()
        if name in terminal_names
    ]
    words = keywords + others
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


# --- the tree -> AST transformer -----------------------------------------------------


@dataclass(frozen=True)
class _Item:
    """A component item before it is sorted into its component's node."""

    word: str  # the item's keyword, as written: "fault", "capacity", "at", …
    value: Any
    span: Span

    @property
    def word_span(self) -> Span:
        return Span(
            self.span.file,
            self.span.line,
            self.span.column,
            self.span.line,
            self.span.column + len(self.word),
        )


@dataclass(frozen=True)
class _Option:
    """A fault option (`at T`, `repair D`, …) before it is put into its FaultDecl."""

    word: str
    value: Any
    span: Span


@dataclass(frozen=True)
class _ModelLine:
    name: ast.Name
    title: str | None
    span: Span


@dataclass(frozen=True)
class _HorizonLine:
    horizon: ast.Duration
    span: Span


@dataclass(frozen=True)
class _AtInstant:
    """`at T` after an assertion, before it is put into its node."""

    time: ast.TimePoint
    span: Span


@dataclass(frozen=True)
class _During:
    """`during WINDOWS` after an assertion, before it is put into its node."""

    windows: ast.Windows
    span: Span


_Judged = _AtInstant | _During


_ITEM_PLACES = {
    "capacity": "a store",
    "primary": "a failover",
    "secondary": "a failover",
    "detect": "a failover",
    "manual": "a failover",
    "closes": "a partition",
    "reopens": "a partition",
    "via": "a channel",
    "through": "a channel",
    "timeout": "a channel",
    "transaction": "a channel",
    "on": "a channel or one of its transactions",
    "calls": "a channel's transaction",
    "rate": "a channel's transaction",
    "at": "a job",
    "after": "a job",
    "takes": "a job",
    "writes": "a job",
    "fault": "a component",
    "needs": "a component",
    "rides out": "a component",
    "recovers in": "a component",
    "open": "a channel or one of its transactions",
}


@v_args(meta=True)
class _AstBuilder(Transformer[Token, Any]):
    """Build `ast` nodes from the lark tree, collecting the errors it finds in `errors`."""

    def __init__(self, file: str) -> None:
        super().__init__()
        self.file = file
        self.errors: list[SpecError] = []
        self.clock_spans: set[Span] = set()
        """Spans of the time points written as clock times (`HH:MM[:SS]`)."""
        self.midnights: dict[Span, SpecError] = {}
        """`24:00` time points not (yet) known to end a window, with their error."""

    # --- helpers ---

    def _span(self, meta: Any) -> Span:
        if getattr(meta, "empty", True):
            return Span(self.file, 1, 1, 1, 1)
        return Span(self.file, meta.line, meta.column, meta.end_line, meta.end_column)

    def _token_span(self, token: Token) -> Span:
        line = token.line or 1
        column = token.column or 1
        end_line = token.end_line or line
        end_column = token.end_column or column + len(token)
        return Span(self.file, line, column, end_line, end_column)

    def _error(self, span: Span, message: str, hint: str | None = None) -> None:
        self.errors.append(SpecError(span, message, hint))

    def _name(self, token: Token) -> ast.Name:
        span = self._token_span(token)
        text = str(token)
        if text != text.lower():
            self.errors.append(_uppercase_error(text, span))
        return ast.Name(text, span)

    def _literal(self, token: Token, parse: Any, fallback: Any) -> Any:
        try:
            return parse(str(token))
        except LiteralError as error:
            self._error(self._token_span(token), error.message, error.hint)
            return fallback

    def _integer(self, token: Token) -> int | None:
        """Return the whole number `token` holds, or None (and an error) if it holds none."""
        value: int | None = self._literal(token, parse_integer, None)
        return value

    # --- top level ---

    def start(self, meta: Any, children: list[Any]) -> ast.Model:
        model_line: _ModelLine | None = None
        horizon: _HorizonLine | None = None
        components: list[ast.Component] = []
        checks: list[ast.Check] = []
        scenarios: list[ast.Scenario] = []
        self.errors.extend(self.midnights.values())
        for child in children:
            if isinstance(child, _ModelLine):
                if model_line is not None:
                    self._duplicate_line("model", child.span, model_line.span, "a model file")
                else:
                    model_line = child
            elif isinstance(child, _HorizonLine):
                if horizon is not None:
                    self._duplicate_line("horizon", child.span, horizon.span, "a model file")
                else:
                    horizon = child
            elif isinstance(child, ast.Check):
                checks.append(child)
            elif isinstance(child, ast.Scenario):
                scenarios.append(child)
            else:
                components.append(child)
        return ast.Model(
            name=model_line.name if model_line else None,
            title=model_line.title if model_line else None,
            horizon=horizon.horizon if horizon else None,
            components=tuple(components),
            checks=tuple(checks),
            span=self._span(meta),
            scenarios=tuple(scenarios),
        )

    def _duplicate_line(self, word: str, span: Span, first: Span, where: str) -> None:
        word_span = Span(span.file, span.line, span.column, span.line, span.column + len(word))
        self._error(
            word_span,
            f"second '{word}' line in {where}",
            f"give '{word}' once (the first is at line {first.line})",
        )

    def model_line(self, meta: Any, children: list[Token]) -> _ModelLine:
        title = str(children[1])[1:-1] if len(children) > 1 else None
        return _ModelLine(self._name(children[0]), title, self._span(meta))

    def horizon_line(self, meta: Any, children: list[ast.TimePoint]) -> _HorizonLine:
        time = children[0]
        return _HorizonLine(ast.Duration(time.seconds, time.span), self._span(meta))

    # --- components ---

    def kind(self, meta: Any, children: list[Token]) -> Token:
        return children[0]

    def block(self, meta: Any, children: list[_Item]) -> list[_Item]:
        return children

    def component(self, meta: Any, children: list[Any]) -> ast.Component:
        kind = str(children[0])
        name = self._name(children[1])
        items: list[_Item] = children[2] if len(children) > 2 else []
        span = self._span(meta)
        allowed = _KIND_ITEMS[kind]
        kept = self._sort_items(items, allowed, f"{kind} '{name.text}'", f"a {kind}")
        faults = tuple(item.value for item in kept.get("fault", []))
        needs = tuple(item.value for item in kept.get("needs", []))
        timing = {
            "rides_out": _single(kept, "rides out"),
            "recovers_in": _single(kept, "recovers in"),
        }
        if kind == "failover":
            return ast.Failover(
                kind=kind,
                name=name,
                faults=faults,
                needs=needs,
                span=span,
                primary=_single(kept, "primary"),
                secondary=_single(kept, "secondary"),
                detects=tuple(item.value for item in kept.get("detect", [])),
                manual=_single(kept, "manual"),
                **timing,
            )
        if kind == "store":
            return ast.Store(
                kind, name, faults, needs, span, capacity=_single(kept, "capacity"), **timing
            )
        if kind == "partition":
            return ast.Partition(
                kind,
                name,
                faults,
                needs,
                span,
                closes_after=_single(kept, "closes"),
                reopens_after=_single(kept, "reopens"),
                **timing,
            )
        if kind == "channel":
            return ast.Channel(
                kind,
                name,
                faults,
                needs,
                span,
                via=_joined(kept, "via"),
                through=_single(kept, "through"),
                timeout=_single(kept, "timeout"),
                transactions=tuple(item.value for item in kept.get("transaction", [])),
                on=tuple(item.value for item in kept.get("on", [])),
                hours=_single(kept, "open"),
                **timing,
            )
        if kind == "job":
            return ast.Job(
                kind,
                name,
                faults,
                needs,
                span,
                at=_single(kept, "at"),
                after=_joined(kept, "after"),
                takes=_single(kept, "takes"),
                writes=tuple(item.value for item in kept.get("writes", [])),
                **timing,
            )
        return ast.PlainComponent(kind, name, faults, needs, span, **timing)

    def _sort_items(
        self, items: list[_Item], allowed: tuple[str, ...], owner: str, place: str
    ) -> dict[str, list[_Item]]:
        """Group the items by keyword, reporting misplaced and repeated single items."""
        kept: dict[str, list[_Item]] = {}
        for item in items:
            if item.word not in allowed:
                self._error(
                    item.word_span,
                    f"'{item.word}' does not belong in {place}",
                    f"'{item.word}' is an item of {_ITEM_PLACES[item.word]}",
                )
                continue
            previous = kept.setdefault(item.word, [])
            if previous and item.word in _SINGLE_ITEMS:
                self._error(
                    item.word_span,
                    f"second '{item.word}' in {owner}",
                    f"give '{item.word}' once (the first is at line {previous[0].span.line})",
                )
                continue
            previous.append(item)
        return kept

    def fault(self, meta: Any, children: list[Any]) -> _Item:
        mode = self._name(children[0])
        options: dict[str, _Option] = {}
        for option in children[1:]:
            if option.word in options:
                self._error(
                    _word_span(option.span, option.word),
                    f"second '{option.word}' in fault '{mode.text}'",
                    f"give '{option.word}' once",
                )
                continue
            options[option.word] = option
        for first, second in (("at", "from"), ("at", "until"), ("probability", "rate")):
            if first in options and second in options:
                later = max(options[first], options[second], key=_position)
                self._error(
                    _word_span(later.span, later.word),
                    f"fault '{mode.text}' has both '{first}' and '{second}'",
                    f"a fault takes either '{first}' or '{second}'",
                )
        if "until" in options and "from" not in options and "at" not in options:
            self._error(
                _word_span(options["until"].span, "until"),
                f"'until' without 'from' in fault '{mode.text}'",
                "write 'from T until U'",
            )

        def value(word: str) -> Any:
            return options[word].value if word in options else None

        decl = ast.FaultDecl(
            mode=mode,
            at=value("at"),
            from_=value("from"),
            until=value("until"),
            repair=value("repair"),
            probability=value("probability"),
            rate=value("rate"),
            span=self._span(meta),
        )
        return _Item("fault", decl, decl.span)

    def opt_at(self, meta: Any, children: list[Any]) -> _Option:
        return _Option("at", children[0], self._span(meta))

    def opt_from(self, meta: Any, children: list[Any]) -> _Option:
        return _Option("from", children[0], self._span(meta))

    def opt_until(self, meta: Any, children: list[Any]) -> _Option:
        return _Option("until", children[0], self._span(meta))

    def opt_repair(self, meta: Any, children: list[Any]) -> _Option:
        return _Option("repair", children[0], self._span(meta))

    def opt_probability(self, meta: Any, children: list[Token]) -> _Option:
        token = children[0]
        probability: Fraction = self._literal(token, parse_number, Fraction(0))
        if probability > 1:
            self._error(
                self._token_span(token),
                f"probability {token} is greater than 1",
                "a probability lies between 0 and 1",
            )
        return _Option("probability", probability, self._span(meta))

    def opt_rate(self, meta: Any, children: list[Any]) -> _Option:
        return _Option("rate", children[0], self._span(meta))

    def needs_all(self, meta: Any, children: list[Any]) -> _Item:
        span = self._span(meta)
        return _Item("needs", ast.NeedsDecl(None, children[0], span), span)

    def needs_group(self, meta: Any, children: list[Any]) -> _Item:
        k_token: Token = children[0]
        members: tuple[ast.Name, ...] = children[1]
        span = self._span(meta)
        k_span = self._token_span(k_token)
        k = 1
        if k_token.type == "NAME":
            if str(k_token) != "any":
                self._error(
                    k_span,
                    f"unexpected '{k_token}' before 'of'",
                    "write 'needs any of A, B' or 'needs K of A, B, C'",
                )
        else:
            k_value = self._integer(k_token)
            k = k_value if k_value is not None else 1
            if k_value is not None and not 1 <= k_value <= len(members):
                self._error(
                    k_span,
                    f"'needs {k_token} of' with {len(members)} "
                    f"member{'s' if len(members) != 1 else ''}",
                    f"K lies between 1 and the number of members ({len(members)})",
                )
        return _Item("needs", ast.NeedsDecl(k, members, span), span)

    def needs_k(self, meta: Any, children: list[Token]) -> Token:
        return children[0]

    def primary(self, meta: Any, children: list[Token]) -> _Item:
        return _Item("primary", self._name(children[0]), self._span(meta))

    def secondary(self, meta: Any, children: list[Token]) -> _Item:
        return _Item("secondary", self._name(children[0]), self._span(meta))

    def detect(self, meta: Any, children: list[Any]) -> _Item:
        span = self._span(meta)
        return _Item("detect", ast.Detect(self._name(children[0]), children[1], span), span)

    def detect_never(self, meta: Any, children: list[Token]) -> _Item:
        span = self._span(meta)
        return _Item("detect", ast.Detect(self._name(children[0]), None, span), span)

    def rides(self, meta: Any, children: list[Any]) -> _Item:
        return _Item("rides out", children[0], self._span(meta))

    def recovers(self, meta: Any, children: list[Any]) -> _Item:
        return _Item("recovers in", children[0], self._span(meta))

    def open(self, meta: Any, children: list[Any]) -> _Item:
        return _Item("open", children[0], self._span(meta))

    def manual(self, meta: Any, children: list[Any]) -> _Item:
        return _Item("manual", children[0], self._span(meta))

    def capacity(self, meta: Any, children: list[Token]) -> _Item:
        return _Item("capacity", self._integer(children[0]) or 0, self._span(meta))

    def closes(self, meta: Any, children: list[Token]) -> _Item:
        count_token, word = children
        count = self._integer(count_token)
        if str(word) not in ("errors", "error"):
            self._error(
                self._token_span(word),
                f"unexpected '{word}'",
                f"write 'closes after {count_token} errors'",
            )
        if count == 0:
            self._error(
                self._token_span(count_token),
                "'closes after 0 errors' would close the partition at once",
                "a partition closes after 1 or more errors",
            )
        return _Item("closes", count, self._span(meta))

    def reopens(self, meta: Any, children: list[Any]) -> _Item:
        return _Item("reopens", children[0], self._span(meta))

    def via(self, meta: Any, children: list[Any]) -> _Item:
        return _Item("via", children[0], self._span(meta))

    def through(self, meta: Any, children: list[Token]) -> _Item:
        return _Item("through", self._name(children[0]), self._span(meta))

    def timeout(self, meta: Any, children: list[Any]) -> _Item:
        return _Item("timeout", children[0], self._span(meta))

    def transaction(self, meta: Any, children: list[Any]) -> _Item:
        name = self._name(children[0])
        items: list[_Item] = children[1] if len(children) > 1 else []
        kept = self._sort_items(
            items, _TRANSACTION_ITEMS, f"transaction '{name.text}'", "a transaction"
        )
        span = self._span(meta)
        node = ast.Transaction(
            name=name,
            calls=_joined(kept, "calls"),
            rate=_single(kept, "rate"),
            on=tuple(item.value for item in kept.get("on", [])),
            span=span,
            hours=_single(kept, "open"),
        )
        return _Item("transaction", node, span)

    def calls(self, meta: Any, children: list[Any]) -> _Item:
        return _Item("calls", children[0], self._span(meta))

    def rate_item(self, meta: Any, children: list[Any]) -> _Item:
        return _Item("rate", children[0], self._span(meta))

    def on(self, meta: Any, children: list[Token]) -> _Item:
        span = self._span(meta)
        line = ast.OnLine(self._name(children[0]), self._name(children[1]), span)
        return _Item("on", line, span)

    def job_at(self, meta: Any, children: list[Any]) -> _Item:
        return _Item("at", children[0], self._span(meta))

    def after(self, meta: Any, children: list[Any]) -> _Item:
        return _Item("after", children[0], self._span(meta))

    def takes(self, meta: Any, children: list[Any]) -> _Item:
        return _Item("takes", children[0], self._span(meta))

    def writes(self, meta: Any, children: list[Token]) -> _Item:
        span = self._span(meta)
        node = ast.Writes(self._integer(children[0]) or 0, self._name(children[1]), span)
        return _Item("writes", node, span)

    def names(self, meta: Any, children: list[Token]) -> tuple[ast.Name, ...]:
        return tuple(self._name(token) for token in children)

    def rate(self, meta: Any, children: list[Token]) -> ast.Rate:
        value_token, unit_token = children
        value: Fraction = self._literal(value_token, parse_number, Fraction(0))
        unit, unit_seconds = self._literal(unit_token, parse_rate_unit, ("second", 1))
        return ast.Rate(value, unit, unit_seconds, self._span(meta))

    # --- time ---

    def time_duration(self, meta: Any, children: list[Token]) -> ast.TimePoint:
        return ast.TimePoint(self._literal(children[0], parse_duration, 0), self._span(meta))

    def time_clock(self, meta: Any, children: list[Token]) -> ast.TimePoint:
        span = self._span(meta)
        self.clock_spans.add(span)
        token = children[0]
        if str(token) in _CLOCK_24:
            # midnight at the end of day 1: an error unless it ends a window (`window`)
            try:
                parse_clock(str(token))
            except LiteralError as error:
                self.midnights[span] = SpecError(self._token_span(token), error.message, error.hint)
            return ast.TimePoint(ast.SECONDS_PER_DAY, span)
        return ast.TimePoint(self._literal(token, parse_clock, 0), span)

    def time_day(self, meta: Any, children: list[Token]) -> ast.TimePoint:
        day_token, clock_token = children
        day = self._integer(day_token)
        seconds = 0
        if day is not None:
            try:
                seconds = parse_day_clock(day, str(clock_token))
            except LiteralError as error:
                token = clock_token if "clock time" in error.message else day_token
                self._error(self._token_span(token), error.message, error.hint)
        return ast.TimePoint(seconds, self._span(meta))

    def time_bare(self, meta: Any, children: list[Token]) -> ast.TimePoint:
        token = children[0]
        self._error(
            self._token_span(token),
            f"'{token}' has no unit",
            f"write a clock time like 13:00 or a duration like {token}s",
        )
        return ast.TimePoint(0, self._span(meta))

    def duration(self, meta: Any, children: list[Token]) -> ast.Duration:
        return ast.Duration(self._literal(children[0], parse_duration, 0), self._span(meta))

    def duration_bare(self, meta: Any, children: list[Token]) -> ast.Duration:
        token = children[0]
        self._error(
            self._token_span(token),
            f"'{token}' has no unit",
            f"write a duration like {token}s, {token}m or {token}h",
        )
        return ast.Duration(0, self._span(meta))

    # --- windows ---

    def window(self, meta: Any, children: list[ast.TimePoint]) -> ast.Window:
        start, end = children
        self.midnights.pop(end.span, None)
        if self.midnights.pop(start.span, None) is not None:
            self._error(
                start.span,
                "'24:00' may end a window, never start one",
                "a window that starts at midnight starts at 00:00 (or 'day 2 00:00')",
            )
        return ast.Window(start, end, self._span(meta))

    def windows(self, meta: Any, children: list[Any]) -> ast.Windows:
        daily = bool(children) and children[-1] == "daily"
        windows = tuple(child for child in children if isinstance(child, ast.Window))
        if daily:
            for window in windows:
                for point in (window.start, window.end):
                    if point.span not in self.clock_spans:
                        self._error(
                            point.span,
                            "a daily window is written in clock times",
                            "write times of day such as '22:00..06:00 daily'; for a window on "
                            "a later day drop 'daily' ('day 2 09:00..day 2 15:00')",
                        )
        return ast.Windows(windows, daily, self._span(meta))

    def daily(self, meta: Any, children: list[Token]) -> str:
        return "daily"

    # --- scenarios ---

    def scenario(self, meta: Any, children: list[Any]) -> ast.Scenario:
        name_token: Token = children[0]
        faults: list[ast.ScenarioFault] = children[1]
        return ast.Scenario(
            name=str(name_token)[1:-1],
            faults=tuple(faults),
            span=self._span(meta),
            name_span=self._token_span(name_token),
        )

    def scenario_block(self, meta: Any, children: list[Any]) -> list[Any]:
        return children

    def scenario_fault(self, meta: Any, children: list[Any]) -> ast.ScenarioFault:
        component, mode, at = children
        return ast.ScenarioFault(self._name(component), self._name(mode), at, self._span(meta))

    def scenario_ref(self, meta: Any, children: list[Token]) -> ast.ScenarioRef:
        token = children[0]
        return ast.ScenarioRef(str(token)[1:-1], self._span(meta), self._token_span(token))

    # --- checks ---

    def check(self, meta: Any, children: list[Any]) -> ast.Check:
        name_token: Token = children[0]
        items: list[Any] = children[1]
        hypothesis: ast.Hypothesis | None = None
        scenario: ast.ScenarioRef | None = None
        assertions: list[ast.Assertion] = []
        name = str(name_token)[1:-1]
        for item in items:
            if isinstance(item, ast.ScenarioRef):
                scenario = self._check_scenario(name, item, scenario, hypothesis)
            elif isinstance(item, ast.Hypothesis):
                if scenario is not None:
                    self._beside_scenario(name, item.span, "faults", scenario.span)
                    continue
                if hypothesis is not None:
                    self._error(
                        _word_span(item.span, "faults"),
                        f"second 'faults' line in check \"{name}\"",
                        "a check has one fault hypothesis "
                        f"(the first is at line {hypothesis.span.line})",
                    )
                else:
                    hypothesis = item
            else:
                assertions.append(item)
        return ast.Check(
            name=name,
            hypothesis=hypothesis,
            assertions=tuple(assertions),
            span=self._span(meta),
            name_span=self._token_span(name_token),
            scenario=scenario,
        )

    def _check_scenario(
        self,
        check: str,
        item: ast.ScenarioRef,
        scenario: ast.ScenarioRef | None,
        hypothesis: ast.Hypothesis | None,
    ) -> ast.ScenarioRef | None:
        """The check's scenario after `item`, reporting a second one or one beside `faults`."""
        if scenario is not None:
            self._error(
                _word_span(item.span, "scenario"),
                f"second 'scenario' line in check \"{check}\"",
                f"a check is judged on one scenario (the first is at line {scenario.span.line})",
            )
            return scenario
        if hypothesis is not None:
            self._beside_scenario(check, item.span, "scenario", hypothesis.span)
            return None
        return item

    def _beside_scenario(self, check: str, span: Span, word: str, first: Span) -> None:
        self._error(
            _word_span(span, word),
            f"check \"{check}\" has both a 'faults' line and a 'scenario' line",
            "a check ranges over a fault hypothesis or is judged on one scenario, not both "
            f"(the first is at line {first.line})",
        )

    def check_block(self, meta: Any, children: list[Any]) -> list[Any]:
        return children

    def faults(self, meta: Any, children: list[Any]) -> ast.Hypothesis:
        at_most = self._integer(children[0]) or 0
        return ast.Hypothesis(at_most, tuple(children[1:]), self._span(meta))

    def selector(self, meta: Any, children: list[Token]) -> ast.Selector:
        mode = self._name(children[1]) if len(children) > 1 else None
        return ast.Selector(self._name(children[0]), mode, self._span(meta))

    def never(self, meta: Any, children: list[Any]) -> ast.Never:
        window, at = _judged(children[1:])
        return ast.Never(children[0], self._span(meta), window=window, at=at)

    def always(self, meta: Any, children: list[Any]) -> ast.Always:
        window, at = _judged(children[1:])
        return ast.Always(children[0], self._span(meta), window=window, at=at)

    def done_by(self, meta: Any, children: list[Any]) -> ast.DoneBy:
        for judged in children[2:]:
            word = "at" if isinstance(judged, _AtInstant) else "during"
            self._error(
                _word_span(judged.span, word),
                f"'{word}' does not apply to 'done by'",
                "'J done by T' is judged at its deadline T alone; it takes no window",
            )
        return ast.DoneBy(self._name(children[0]), children[1], self._span(meta))

    def lasts(self, meta: Any, children: list[Any]) -> ast.LastsAtMost:
        window, at = _judged(children[2:])
        for judged in children[2:]:
            if isinstance(judged, _AtInstant):
                self._error(
                    _word_span(judged.span, "at"),
                    "'at T' does not apply to 'lasts at most'",
                    "a run is judged over windows: write 'during T..U'; 'at T' is for "
                    "'never' and 'always'",
                )
        return ast.LastsAtMost(children[0], children[1], self._span(meta), window=window)

    def during(self, meta: Any, children: list[Any]) -> _During:
        return _During(children[0], self._span(meta))

    def at_instant(self, meta: Any, children: list[Any]) -> _AtInstant:
        return _AtInstant(children[0], self._span(meta))

    def or_(self, meta: Any, children: list[Any]) -> ast.Or:
        return ast.Or(tuple(children), self._span(meta))

    def and_(self, meta: Any, children: list[Any]) -> ast.And:
        return ast.And(tuple(children), self._span(meta))

    def not_(self, meta: Any, children: list[Any]) -> ast.Not:
        return ast.Not(children[0], self._span(meta))

    def atom(self, meta: Any, children: list[Token]) -> ast.Atom:
        return ast.Atom(tuple(self._name(token) for token in children), self._span(meta))


def _judged(children: list[_Judged]) -> tuple[ast.Windows | None, ast.TimePoint | None]:
    """(window, instant) of an assertion's optional `during WINDOWS` or `at T`."""
    for child in children:
        if isinstance(child, _AtInstant):
            return None, child.time
        return child.windows, None
    return None, None


def _single(kept: dict[str, list[_Item]], word: str) -> Any:
    items = kept.get(word)
    return items[0].value if items else None


def _joined(kept: dict[str, list[_Item]], word: str) -> tuple[ast.Name, ...]:
    return tuple(name for item in kept.get(word, []) for name in item.value)


def _word_span(span: Span, word: str) -> Span:
    return Span(span.file, span.line, span.column, span.line, span.column + len(word))


def _position(option: _Option) -> tuple[int, int]:
    return (option.span.line, option.span.column)
