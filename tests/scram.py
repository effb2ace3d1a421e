"""Run SCRAM, the peer tool, on an Open-PSA MEF document and read its report (tests only).

SCRAM is installed by `.ci/run` (Debian's package `scram`); the tests that need it
skip where it is missing.  Its report is capped in size: a report of millions of
cut sets must not fill a disk.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree import ElementTree

from failspec.checker.openpsa_export import fault_label


@dataclass(frozen=True, slots=True)
class ScramResult:
    """SCRAM's minimal cut sets (as sets of fault labels) and top-event probability."""

    cut_sets: frozenset[frozenset[str]]
    probability: float | None
    warning: str | None


class ScramError(Exception):
    pass


MAX_REPORT_BYTES = 64 * 1024 * 1024


def run_scram(
    document: str,
    options: Sequence[str],
    timeout_seconds: float = 120.0,
    max_report_bytes: int = MAX_REPORT_BYTES,
) -> ScramResult:
    """Run `scram OPTIONS FILE -o REPORT` on the MEF `document` in a temporary
    directory, with a time limit, and read its report (refused past
    `max_report_bytes`).  Raise ScramError if SCRAM fails, FileNotFoundError if
    it is not installed."""
    with tempfile.TemporaryDirectory(prefix="failspec-scram-") as directory:
        source = os.path.join(directory, "tree.xml")
        report = os.path.join(directory, "report.xml")
        with open(source, "w", encoding="utf-8") as handle:
            handle.write(document)
        try:
            done = subprocess.run(
                ["scram", *options, source, "-o", report],
                capture_output=True,
                text=True,
                timeout=timeout_seconds,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise ScramError(f"scram ran longer than {timeout_seconds} s") from error
        if done.returncode != 0:
            raise ScramError(f"scram exited {done.returncode}: {done.stderr.strip()[:2000]}")
        size = os.path.getsize(report)
        if size > max_report_bytes:
            raise ScramError(f"scram's report is {size} bytes, over {max_report_bytes}")
        with open(report, encoding="utf-8") as handle:
            return read_scram_report(handle.read())


def read_scram_report(text: str) -> ScramResult:
    """Read the first `<sum-of-products>` of a SCRAM report."""
    root = ElementTree.fromstring(text)
    products = root.find("./results/sum-of-products")
    if products is None:
        raise ScramError("no sum-of-products in scram's report")
    cut_sets = set()
    for product in products.findall("product"):
        labels = set()
        for event in product.findall("basic-event"):
            label = fault_label(event.get("name", ""))
            if label is None:
                raise ScramError(f"unexpected basic event {event.get('name')!r}")
            labels.add(label)
        cut_sets.add(frozenset(labels))
    probability = products.get("probability")
    return ScramResult(
        frozenset(cut_sets),
        None if probability is None else float(probability),
        products.get("warning"),
    )
