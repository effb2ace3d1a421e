"""Fuzz `failspec check` end to end: whatever the file holds, the user sees no traceback.

Random text, and the contract's first example (with a short horizon, so the
engine stays fast) with characters deleted or inserted and lines swapped, go
through `main([...])` on a temporary file.  The exit code is 0, 1 or 2 — an
internal error (3) or a traceback on either stream is a bug — and a spec error
is printed as `file:line:col: message`; a valid model's stderr holds only its
warnings (`file:line:col: warning: message`).
"""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from failspec.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "models" / "examples" / "atm-network.fspec"
SHORT_EXAMPLE = EXAMPLE.read_text(encoding="utf-8").replace("horizon 1h ", "horizon 5m ", 1)
ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyz_0123456789 \n\t{}();,.:->#\"'*") + ["é", "\u2028", "\x00"]
)
FUZZ_SETTINGS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def run_on_text(text: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fuzz.fspec"
        path.write_text(text, encoding="utf-8")
        stdout, stderr = io.StringIO(), io.StringIO()
        # The timeout only bounds a runaway engine; an `unknown` fails the test below.
        code = main(["check", str(path), "--timeout", "30"], stdout, stderr)
    out, err = stdout.getvalue(), stderr.getvalue()
    assert "Traceback" not in out and "Traceback" not in err, err
    assert code in (0, 1, 2), f"exit {code}\n{out}\n{err}"
    if code == 2:
        assert re.match(rf"{re.escape(str(path))}:\d+:\d+: \S", err), err
    else:
        # A valid model may have warnings (language v1): each printed like a spec
        # error, its line, caret and hint indented below it; nothing else.
        headers = [line for line in err.splitlines() if not line.startswith(" ")]
        for header in headers:
            assert re.match(rf"{re.escape(str(path))}:\d+:\d+: warning: \S", header), err


@st.composite
def mutated_examples(draw: st.DrawFn) -> str:
    """The short example with a few characters deleted or inserted, or two lines swapped."""
    text = SHORT_EXAMPLE
    for _ in range(draw(st.integers(1, 3))):
        action = draw(st.sampled_from(["delete", "insert", "swap"]))
        if action == "swap":
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        else:
            at = draw(st.integers(0, len(text)))
            if action == "delete":
                size = draw(st.integers(1, 4))
                text = text[:at] + text[at + size :]
            else:
                text = text[:at] + draw(st.text(ALPHABET, min_size=1, max_size=3)) + text[at:]
    return text


@FUZZ_SETTINGS
@given(st.text(ALPHABET, max_size=200))
def test_random_text_never_shows_a_traceback(text: str) -> None:
    run_on_text(text)


@FUZZ_SETTINGS
@given(mutated_examples())
def test_mutated_example_never_shows_a_traceback(text: str) -> None:
    run_on_text(text)


def test_the_unmutated_short_example_is_violated() -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "short.fspec"
        path.write_text(SHORT_EXAMPLE, encoding="utf-8")
        assert main(["check", str(path)], io.StringIO(), io.StringIO()) == 1
