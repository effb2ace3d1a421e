"""Open-PSA MEF expressions: the numbers of a fault tree's model data.

`read_expression` turns an XML element (`spec/openpsa_import.Node`) into an
`Expression`, a frozen tree of operators and constants with its file and line.
`evaluate` gives its value as SCRAM (0.16.2) computes it for a top-event
probability, at a mission time in hours (`<system-mission-time/>`):

- constants `<float>`, `<int>`, `<bool>`, `<pi/>`; `<parameter name>` (a
  `define-parameter`, with its `unit` kept for the reader); the arithmetic
  `neg add sub mul div abs mod pow sqrt exp log log10 sin cos tan asin acos
  atan sinh cosh tanh ceil floor min max mean` and the Boolean `not and or eq
  df lt gt leq geq` (1 for true, 0 for false), `ite`;
- `exponential` (λ, t): 1 − exp(−λt); with four arguments (γ, λ, μ, t) it is
  SCRAM's GLM; `GLM` (γ, λ, μ, t): (λ − (λ − γ(λ+μ))·exp(−(λ+μ)t)) / (λ+μ);
  `Weibull` (α, β, t0, t): 1 − exp(−((t − t0)/α)^β) for t > t0, else 0;
  `periodic-test` with 4 arguments (λ, τ, θ, t: instant repair), 5 (λ, μ, τ,
  θ, t: instant test) or 11 (the complete model), SCRAM's formulas;
- the random deviates at their mean, as SCRAM's point value is: `uniform-deviate`
  (a+b)/2, `normal-deviate` μ, `lognormal-deviate` its mean (the first
  argument with an error factor and level; exp(μ + σ²/2) with two), `gamma-deviate`
  kθ, `beta-deviate` α/(α+β), `histogram` the mean of its intervals.

Units are not converted (SCRAM does not convert them either): a rate is per
hour because the mission time is in hours.  `describe` writes an expression
back as one readable line (`exponential(lambda1 = lognormal-deviate(2e-05, 3,
0.95), t)`), for the comment of an imported basic event.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import NamedTuple

from failspec.spec.openpsa_xml import IGNORED, ImportError_, Node

DEFAULT_MISSION_HOURS = 8760.0
"""SCRAM's default mission time: one year, in hours."""


class Expression(NamedTuple):
    """An MEF expression: `tag` is the element's name (`float`, `mul`, `parameter`,
    `system-mission-time`, ...); `value` the constant of a `float`/`int`/`bool`;
    `name` the parameter a `parameter` refers to; `args` its sub-expressions."""

    tag: str
    args: tuple[Expression, ...] = ()
    value: float | None = None
    name: str | None = None
    file: str = ""
    line: int = 0

    def where(self) -> str:
        """`file:line: <tag>` for a message."""
        return f"{self.file}:{self.line}: <{self.tag}>"


class Parameter(NamedTuple):
    """A `define-parameter`: its expression and its `unit` attribute (or None)."""

    name: str
    expression: Expression
    unit: str | None
    file: str = ""
    line: int = 0


def _pow(base: float, exponent: float) -> float:
    if base == 0 and exponent <= 0:
        raise ValueError("0 to a power of 0 or less")
    return float(math.pow(base, exponent))


def _div(args: list[float]) -> float:
    result = args[0]
    for item in args[1:]:
        if item == 0:
            raise ValueError("division by 0")
        result /= item
    return result


def _mod(args: list[float]) -> float:
    if int(args[1]) == 0:
        raise ValueError("modulo 0")
    return float(math.fmod(int(args[0]), int(args[1])))


def _bool(flag: bool) -> float:
    return 1.0 if flag else 0.0


UNARY: dict[str, Callable[[float], float]] = {
    "neg": lambda x: -x,
    "abs": abs,
    "sqrt": math.sqrt,
    "exp": math.exp,
    "log": math.log,
    "log10": math.log10,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "asin": math.asin,
    "acos": math.acos,
    "atan": math.atan,
    "sinh": math.sinh,
    "cosh": math.cosh,
    "tanh": math.tanh,
    "ceil": lambda x: float(math.ceil(x)),
    "floor": lambda x: float(math.floor(x)),
    "not": lambda x: _bool(not x),
}
NARY: dict[str, Callable[[list[float]], float]] = {
    "add": math.fsum,
    "sub": lambda a: a[0] - math.fsum(a[1:]),
    "mul": math.prod,
    "div": _div,
    "min": min,
    "max": max,
    "mean": lambda a: math.fsum(a) / len(a),
    "and": lambda a: _bool(all(a)),
    "or": lambda a: _bool(any(a)),
}
BINARY: dict[str, Callable[[list[float]], float]] = {
    "pow": lambda a: _pow(a[0], a[1]),
    "mod": _mod,
    "eq": lambda a: _bool(a[0] == a[1]),
    "df": lambda a: _bool(a[0] != a[1]),
    "lt": lambda a: _bool(a[0] < a[1]),
    "gt": lambda a: _bool(a[0] > a[1]),
    "leq": lambda a: _bool(a[0] <= a[1]),
    "geq": lambda a: _bool(a[0] >= a[1]),
}


def _p_exp(rate: float, hours: float) -> float:
    return -math.expm1(-rate * hours)


def _glm(a: list[float]) -> float:
    gamma, rate, repair, hours = a
    total = rate + repair
    if total == 0:
        return gamma
    return (rate - (rate - gamma * total) * math.exp(-total * hours)) / total


def _exponential(a: list[float]) -> float:
    return _p_exp(a[0], a[1]) if len(a) == 2 else _glm(a)


def _weibull(a: list[float]) -> float:
    alpha, beta, t0, hours = a
    return 0.0 if hours <= t0 else -math.expm1(-(((hours - t0) / alpha) ** beta))


def _periodic_instant_repair(rate: float, tau: float, theta: float, hours: float) -> float:
    if hours <= theta:
        return _p_exp(rate, hours)
    delta = hours - theta
    after = delta - int(delta / tau) * tau
    return _p_exp(rate, after if after else tau)


def _p_mu_lambda(p_mu: float, p_lambda: float, mu: float, rate: float, t: float) -> float:
    if rate == mu:
        return p_lambda - (1 - p_lambda) * rate * t
    return (rate * p_mu - mu * p_lambda) / (rate - mu)


def _periodic_instant_test(rate: float, mu: float, tau: float, theta: float, hours: float) -> float:
    if hours <= theta:
        return _p_exp(rate, hours)

    def carry(p_lambda: float, p_mu: float, t: float) -> float:
        return 1 - p_mu + _p_mu_lambda(p_mu, p_lambda, mu, rate, t) - p_lambda

    prob = _p_exp(rate, theta)
    delta = hours - theta
    periods = int(delta / tau)
    fraction = carry(_p_exp(rate, tau), _p_exp(mu, tau), tau)
    compound = fraction**periods
    if fraction != 1:
        prob = prob * compound + _p_exp(rate, tau) * (compound - 1) / (fraction - 1)
    after = delta - periods * tau
    p_lambda, p_mu = _p_exp(rate, after), _p_exp(mu, after)
    return prob * carry(p_lambda, p_mu, after) + p_lambda


class _TestState:
    """The periodic test's rolling probabilities: failed, in repair, available."""

    def __init__(self, fail: float) -> None:
        self.fail = fail
        self.repair = 0.0
        self.available = 1.0


def _periodic_complete(a: list[float]) -> float:
    (rate, rate_test, mu, tau, theta, gamma, duration, available_at_test, sigma, omega, hours) = a
    if hours <= theta:
        return _p_exp(rate, hours)
    state = _TestState(_p_exp(rate, theta))
    state.available = 1 - state.fail

    def p_mu_lambda(p_mu: float, p_lambda: float, t: float) -> float:
        return p_mu * omega + (1 - omega) * _p_mu_lambda(p_mu, p_lambda, mu, rate, t)

    def test(p_test: float, p_mu: float, p_lambda: float, t: float, available: bool) -> None:
        transient = state.fail + state.available * (gamma + (1 - gamma) * p_test)
        lost = 0.0 if available else state.available * (1 - gamma) * (1 - p_test)
        state.fail = state.repair * p_mu_lambda(p_mu, p_lambda, t) + (1 - sigma) * transient
        state.repair = (1 - p_mu) * state.repair + sigma * transient
        state.available = 1 - state.fail - state.repair - lost

    def period(p_lambda: float, p_mu: float, t: float) -> None:
        state.fail = (
            state.available * p_lambda + state.fail + state.repair * p_mu_lambda(p_mu, p_lambda, t)
        )
        state.repair = state.repair * (1 - p_mu)
        state.available = 1 - state.fail - state.repair

    delta = hours - theta
    periods = int(delta / tau)
    between = tau - duration
    for _ in range(periods):
        test(
            _p_exp(rate_test, duration),
            _p_exp(mu, duration),
            _p_exp(rate, duration),
            duration,
            True,
        )
        period(_p_exp(rate, between), _p_exp(mu, between), between)
    after = delta - periods * tau
    if after <= duration:
        test(
            _p_exp(rate_test, after),
            _p_exp(mu, after),
            _p_exp(rate, after),
            after,
            bool(available_at_test),
        )
    else:
        test(
            _p_exp(rate_test, duration),
            _p_exp(mu, duration),
            _p_exp(rate, duration),
            duration,
            True,
        )
        left = after - duration
        period(_p_exp(rate, left), _p_exp(mu, left), left)
    return 1 - state.available


def _periodic_test(a: list[float]) -> float:
    if len(a) == 4:
        return _periodic_instant_repair(*a)
    if len(a) == 5:
        return _periodic_instant_test(*a)
    return _periodic_complete(a)


def _lognormal(a: list[float]) -> float:
    if len(a) == 3:
        return a[0]  # the mean, with an error factor and its level
    return math.exp(a[0] + a[1] ** 2 / 2)


def _histogram(a: list[float]) -> float:
    # SCRAM's children: the first boundary, then (upper boundary, weight) per bin.
    bounds = [a[0], *a[1::2]]
    weights = a[2::2]
    total = math.fsum(weights)
    if total <= 0:
        raise ValueError("the histogram's weights sum to 0")
    mids = math.fsum((bounds[i] + bounds[i + 1]) * w for i, w in enumerate(weights))
    return mids / (2 * total)


BUILT_IN: dict[str, tuple[tuple[int, ...], Callable[[list[float]], float]]] = {
    "exponential": ((2, 4), _exponential),
    "GLM": ((4,), _glm),
    "Weibull": ((4,), _weibull),
    "periodic-test": ((4, 5, 11), _periodic_test),
    "uniform-deviate": ((2,), lambda a: (a[0] + a[1]) / 2),
    "normal-deviate": ((2,), lambda a: a[0]),
    "lognormal-deviate": ((2, 3), _lognormal),
    "gamma-deviate": ((2,), lambda a: a[0] * a[1]),
    "beta-deviate": ((2,), lambda a: a[0] / (a[0] + a[1])),
}
"""Built-in expressions and deviates: the argument counts SCRAM accepts, and the value."""

CONSTANTS = {"float", "int", "bool"}
LEAVES = {"pi", "system-mission-time", "parameter"}


def is_expression(tag: str) -> bool:
    """Whether `tag` names an expression failspec reads."""
    return (
        tag in CONSTANTS
        or tag in LEAVES
        or tag in UNARY
        or tag in NARY
        or tag in BINARY
        or tag in BUILT_IN
        or tag in ("ite", "histogram", "bin")
    )


def read_expression(node: Node) -> Expression:
    """The expression of the element `node`, or ImportError_ naming it."""
    tag = node.tag
    if tag in CONSTANTS:
        text = node.attrib.get("value", "")
        if tag == "bool":
            if text not in ("true", "false"):
                raise ImportError_(f"{node.where()}: a bool is true or false")
            return Expression(
                tag, value=1.0 if text == "true" else 0.0, file=node.file, line=node.line
            )
        try:
            value = float(int(text)) if tag == "int" else float(text)
        except ValueError:
            raise ImportError_(f"{node.where()}: not a number: {text!r}") from None
        return Expression(tag, value=value, file=node.file, line=node.line)
    if tag == "parameter":
        name = node.attrib.get("name")
        if not name:
            raise ImportError_(f"{node.where()}: a parameter reference without a name")
        return Expression(tag, name=name, file=node.file, line=node.line)
    if tag == "histogram":
        # <histogram><float lower/><bin><float upper/><float weight/></bin>...
        flat: list[Expression] = []
        for child in _children(node):
            if child.tag == "bin":
                flat += [read_expression(c) for c in _children(child)]
            else:
                flat.append(read_expression(child))
        return Expression(tag, tuple(flat), file=node.file, line=node.line)
    if not is_expression(tag):
        raise ImportError_(f"{node.where()}: not an expression failspec can evaluate")
    args = tuple(read_expression(c) for c in _children(node))
    _check_arity(node, len(args))
    return Expression(tag, args, file=node.file, line=node.line)


def _children(node: Node) -> list[Node]:
    return [c for c in node.children if c.tag not in IGNORED]


def _check_arity(node: Node, count: int) -> None:
    tag = node.tag
    if tag in BUILT_IN:
        allowed = BUILT_IN[tag][0]
        if count not in allowed:
            wanted = " or ".join(str(n) for n in allowed)
            raise ImportError_(f"{node.where()}: takes {wanted} arguments, not {count}")
    elif tag in UNARY and count != 1:
        raise ImportError_(f"{node.where()}: takes one argument, not {count}")
    elif tag in BINARY and count != 2:
        raise ImportError_(f"{node.where()}: takes two arguments, not {count}")
    elif tag in NARY and count < 1:
        raise ImportError_(f"{node.where()}: needs an argument")
    elif tag == "ite" and count != 3:
        raise ImportError_(f"{node.where()}: takes three arguments, not {count}")
    elif tag in ("pi", "system-mission-time") and count:
        raise ImportError_(f"{node.where()}: takes no argument")


def evaluate(
    expression: Expression,
    parameters: Mapping[str, Parameter],
    mission_hours: float,
    _visiting: frozenset[str] = frozenset(),
) -> float:
    """The value of `expression` with the mission time `mission_hours` (hours), or
    ImportError_ naming the element (an undefined or cyclic parameter, a value out of
    a function's domain)."""
    tag = expression.tag
    if expression.value is not None:
        return expression.value
    if tag == "pi":
        return math.pi
    if tag == "system-mission-time":
        return mission_hours
    if tag == "parameter":
        assert expression.name is not None
        parameter = parameters.get(expression.name)
        if parameter is None:
            raise ImportError_(f"{expression.where()}: refers to an undefined parameter")
        if expression.name in _visiting:
            raise ImportError_(f"{expression.where()}: the parameter is defined in a cycle")
        return evaluate(
            parameter.expression, parameters, mission_hours, _visiting | {expression.name}
        )
    args = [evaluate(a, parameters, mission_hours, _visiting) for a in expression.args]
    try:
        if tag == "ite":
            return args[1] if args[0] else args[2]
        if tag == "histogram":
            return _histogram(args)
        if tag in UNARY:
            return float(UNARY[tag](args[0]))
        if tag in NARY:
            return float(NARY[tag](args))
        if tag in BINARY:
            return float(BINARY[tag](args))
        return float(BUILT_IN[tag][1](args))
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise ImportError_(f"{expression.where()}: cannot be evaluated: {error}") from None


def describe(expression: Expression, parameters: Mapping[str, Parameter]) -> str:
    """One readable line for `expression`: constants as numbers, `t` for the mission
    time, a parameter as `name = its expression` the first time it appears."""
    shown: set[str] = set()

    def text(e: Expression) -> str:
        if e.value is not None:
            return _number(e.value) if e.tag != "bool" else ("true" if e.value else "false")
        if e.tag == "system-mission-time":
            return "t"
        if e.tag == "pi":
            return "pi"
        if e.tag == "parameter":
            assert e.name is not None
            parameter = parameters.get(e.name)
            if parameter is None or e.name in shown:
                return e.name
            shown.add(e.name)
            unit = f" [{parameter.unit}]" if parameter.unit else ""
            return f"{e.name}{unit} = {text(parameter.expression)}"
        return f"{e.tag}({', '.join(text(a) for a in e.args)})"

    return text(expression)


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def parameter_names(expression: Expression) -> list[str]:
    """The parameters `expression` refers to directly, in order, each once."""
    found: dict[str, None] = {}
    stack = [expression]
    while stack:
        e = stack.pop()
        if e.tag == "parameter" and e.name is not None:
            found.setdefault(e.name, None)
        stack.extend(reversed(e.args))
    return list(found)


def depends_on_mission(expression: Expression, parameters: Mapping[str, Parameter]) -> bool:
    """Whether `expression` reads `<system-mission-time/>`, directly or through
    parameters."""
    seen: set[str] = set()
    stack = [expression]
    while stack:
        e = stack.pop()
        if e.tag == "system-mission-time":
            return True
        if e.tag == "parameter" and e.name is not None and e.name not in seen:
            seen.add(e.name)
            parameter = parameters.get(e.name)
            if parameter is not None:
                stack.append(parameter.expression)
        stack.extend(e.args)
    return False
