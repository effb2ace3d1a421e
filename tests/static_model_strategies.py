"""A hypothesis strategy for models with a static reading: devices, services,
programs and failovers, every fault permanent and free to start at any instant.

Every failover has `detect any` (every cause is detected), a device as its
primary (never down for a moment only) and no `manual`, so
the static fault tree of a component is exactly what the timed engine sees
once every switchover window has passed (see docs/cut-sets.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

MAX_WINDOW = 3
"""The longest switchover window (seconds) a generated failover has."""


@dataclass(frozen=True)
class StaticModel:
    text: str
    """The model's source, without checks."""
    top: str
    """The last component declared: the one whose `.down` is the top event."""
    components: tuple[str, ...]


def _probability(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return f" probability {draw(st.sampled_from(['0.1', '0.25', '0.01', '0.5', '1e-3']))}"
    return f" rate {draw(st.sampled_from(['2e-3', '1e-4', '0.05']))} per hour"


@st.composite
def static_models(draw: st.DrawFn, max_devices: int = 4, quantified: bool = False) -> StaticModel:
    """A small model; with `quantified`, every fault has a probability or a rate."""
    lines: list[str] = []
    names: list[str] = []
    modes: dict[str, list[str]] = {}
    for i in range(draw(st.integers(1, max_devices))):
        name = f"dev{i}"
        own = draw(
            st.lists(st.sampled_from(["crash", "flap"]), min_size=1, max_size=2, unique=True)
        )
        faults = [f"  fault {m}{_probability(draw) if quantified else ''}" for m in own]
        lines.append(f"device {name} {{\n" + "\n".join(faults) + "\n}")
        names.append(name)
        modes[name] = own
    for i in range(draw(st.integers(1, 4))):
        if len(names) >= 2 and draw(st.booleans()):
            # A device as primary: a primary that is down only for a moment (through
            # another failover's window) may still trigger a switchover to a down
            # secondary, which the static reading does not see.
            devices = [n for n in names if n.startswith("dev")]
            primary = draw(st.sampled_from(devices))
            secondary = draw(st.sampled_from([n for n in names if n != primary]))
            items = [f"primary {primary}", f"secondary {secondary}"]
            items.append(f"detect any within {draw(st.integers(1, MAX_WINDOW))}s")
            for mode in modes.get(primary, []):
                if draw(st.booleans()):
                    items.append(f"detect {mode} within {draw(st.integers(1, MAX_WINDOW))}s")
            own = []
            if draw(st.booleans()):
                items.append(f"fault stuck{_probability(draw) if quantified else ''}")
                own.append("stuck")
            name = f"pair{i}"
            lines.append(f"failover {name} {{\n" + "\n".join(f"  {x}" for x in items) + "\n}")
        else:
            members = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
            form = draw(st.sampled_from(["all", "any", "k"]))
            if form == "any" and len(members) > 1:
                need = f"needs any of {', '.join(members)}"
            elif form == "k" and len(members) > 1:
                need = f"needs {draw(st.integers(1, len(members)))} of {', '.join(members)}"
            else:
                need = f"needs {', '.join(members)}"
            own = []
            items = [need]
            if draw(st.integers(0, 3)) == 0:
                items.append(f"fault hang{_probability(draw) if quantified else ''}")
                own.append("hang")
            name = f"svc{i}"
            kind = draw(st.sampled_from(["service", "program"]))
            lines.append(f"{kind} {name} {{\n" + "\n".join(f"  {x}" for x in items) + "\n}")
        names.append(name)
        modes[name] = own
    return StaticModel("\n".join(lines) + "\n", names[-1], tuple(names))
