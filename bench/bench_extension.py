"""failspec with its C apply and without (`FAILSPEC_NO_EXTENSION=1`), on every
Open-PSA benchmark tree, as whole processes (decision 69).

For each tree, `failspec cutsets TREE --static --max-order 4` runs with the
extension and without, in JSON (timed) and in text, alternating; the outputs
(standard output without the `seconds`, standard error, exit code) must be the
same byte for byte.  Prints a Markdown table; exits 1 if any output differs.

    python bench/bench_extension.py
    python bench/bench_extension.py --only edf9204 elf9601
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import threading
import time

from bench_explicit import failspec_command
from bench_openpsa import ENVIRONMENT, ORDER, TIMEOUT_SECONDS, trees


def run(files: list[str], form: str, extension: bool) -> tuple[float, int, str]:
    """(wall seconds, exit code, digest of the output) of one whole run."""
    env = {**ENVIRONMENT, "FAILSPEC_NO_EXTENSION": "0" if extension else "1"}
    command = [*failspec_command(), "cutsets", *files, "--static", "--max-order", str(ORDER)]
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, "--format", form], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    timer = threading.Timer(TIMEOUT_SECONDS * 1.5, process.kill)
    timer.start()
    out, err = process.communicate()
    timer.cancel()
    seconds = time.perf_counter() - started
    text = re.sub(rb'"seconds": [0-9.e+-]+', b"", out)
    return seconds, process.returncode, hashlib.sha256(text + b"\0" + err).hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="only these trees (names)")
    args = parser.parse_args()
    only = set(args.only or ())
    differ = 0
    print("| tree | with (s) | without (s) | with / without | same JSON | same text |")
    print("|---|---|---|---|---|---|")
    for name, files in trees():
        if only and name not in only:
            continue
        with_c, without = run(files, "json", True), run(files, "json", False)
        text_c, text = run(files, "text", True), run(files, "text", False)
        same_json, same_text = with_c[1:] == without[1:], text_c[1:] == text[1:]
        differ += not (same_json and same_text)
        print(
            f"| {name} | {with_c[0]:.3f} | {without[0]:.3f} | {with_c[0] / without[0]:.2f} "
            f"| {'yes' if same_json else 'NO'} | {'yes' if same_text else 'NO'} |",
            flush=True,
        )
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
