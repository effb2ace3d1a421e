"""The `merge` command: join the JSON reports of `failspec check --shard I/N` runs
(or any `failspec-report/1` reports) into one report, as JSON, JUnit or SARIF.

Shard reports carry `shard.positions`, each result's place in the whole run, so
the merged report lists the results in exactly the order one unsharded run
would (file order, then declaration order) and is that run's report, timings
aside.  Reports without shard information are concatenated in the order given.
Spec errors are the same in every shard (each loads every file) and are kept
once.

Exit codes follow `failspec check` for the merged results: 0 all hold, 1 some
violated (and not accepted by a baseline), 2 bad input (an unreadable report,
shards that do not fit together, spec errors in the reports), 3 some unknown.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import IO, Any

from failspec.counterexamples.report import REPORT_FORMAT, count_verdicts
from failspec.counterexamples.report_shape import ReportShapeError, check_report_shape
from failspec.exit_codes import ExitCode
from failspec.options import add_format_option
from failspec.report_formats import REPORT_FORMATS, render_report

COMMANDS = ("merge",)


class MergeError(Exception):
    """The reports cannot be merged (exit code 2)."""


def add_commands(commands: Any, stdout: IO[str], stderr: IO[str]) -> None:
    """Add the `merge` subparser to `commands`."""
    merge = commands.add_parser(
        "merge",
        stdout=stdout,
        stderr=stderr,
        help="join the JSON reports of `check --shard` runs into one report",
        description="Join failspec-report/1 JSON reports (the shards of one run, from "
        "`failspec check --shard I/N --format json`) into the report of the whole run. "
        "Exit like `failspec check` on the merged results.",
    )
    merge.add_argument("reports", nargs="+", metavar="REPORT", type=Path, help="a JSON report")
    add_format_option(merge, REPORT_FORMATS, "json")


def _read(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise MergeError(f"cannot read {path}: {error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MergeError(f"{path} is not JSON: {error}") from None
    try:
        return dict(check_report_shape(document))
    except ReportShapeError as error:
        raise MergeError(f"{path}: {error}") from None


def _ordered_results(paths: list[Path], documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sharded = [d for d in documents if "shard" in d]
    if not sharded:
        return [r for d in documents for r in d["results"]]
    if len(sharded) != len(documents):
        raise MergeError("some reports are shards and some are not; merge the shards of one run")
    counts = {(d["shard"]["count"], d["shard"]["total"]) for d in documents}
    if len(counts) != 1:
        raise MergeError("the shards come from different runs (their N or totals differ)")
    ((count, total),) = counts
    slots: list[dict[str, Any] | None] = [None] * total
    indices = set()
    for path, document in zip(paths, documents, strict=True):
        shard = document["shard"]
        if shard["index"] in indices:
            raise MergeError(f"shard {shard['index']}/{count} is given twice ({path})")
        indices.add(shard["index"])
        if len(shard["positions"]) != len(document["results"]):
            raise MergeError(f"{path}: its shard positions do not match its results")
        for position, result in zip(shard["positions"], document["results"], strict=True):
            if not 0 <= position < total or slots[position] is not None:
                raise MergeError(f"{path}: result position {position} is out of place")
            slots[position] = result
    missing = sorted(set(range(1, count + 1)) - indices)
    if missing:
        names = ", ".join(f"{i}/{count}" for i in missing)
        raise MergeError(f"missing shard report(s): {names}")
    return [r for r in slots if r is not None]


def merge_reports(paths: list[Path]) -> dict[str, Any]:
    """Return the merged `failspec-report/1` document of the reports at `paths`."""
    documents = [_read(p) for p in paths]
    results = _ordered_results(paths, documents)
    errors: list[dict[str, Any]] = []
    seen = set()
    for document in documents:
        for error in document.get("errors", []):
            key = json.dumps(error, sort_keys=True)
            if key not in seen:
                seen.add(key)
                errors.append(error)
    merged: dict[str, Any] = {
        "format": REPORT_FORMAT,
        "results": results,
        "summary": count_verdicts(r["verdict"] for r in results),
        "errors": errors,
    }
    baselines = [d["baseline"] for d in documents if d.get("baseline")]
    if baselines:
        order = {(r["file"], r["check"]): i for i, r in enumerate(results)}

        def joined(key: str) -> list[dict[str, str]]:
            items = {(i["file"], i["check"]) for b in baselines for i in b.get(key, [])}
            ordered = sorted(items, key=lambda k: (order.get(k, len(order)), k))
            return [{"file": f, "check": c} for f, c in ordered]

        merged["baseline"] = {"accepted": joined("accepted"), "stale": joined("stale")}
    return merged


def exit_code(document: dict[str, Any]) -> int:
    """0/1/2/3 for a report: spec errors 2, unknown 3, unaccepted violations 1, else 0."""
    if document["errors"]:
        return 2
    accepted = {
        (i["file"], i["check"]) for i in (document.get("baseline") or {}).get("accepted", [])
    }
    verdicts = set()
    for result in document["results"]:
        if result["verdict"] == "violated" and (result["file"], result["check"]) in accepted:
            continue
        verdicts.add(result["verdict"])
    if verdicts - {"holds", "violated"}:
        return 3
    return 1 if "violated" in verdicts else 0


def run_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    """Run `failspec merge` with parsed `args`; return the exit code."""
    try:
        document = merge_reports(list(args.reports))
        rendered = render_report(document, args.format)
    except MergeError as error:
        stderr.write(f"failspec: {error}\n")
        return ExitCode.BAD_INPUT
    except ValueError as error:  # a counterexample the trace reader refuses
        stderr.write(f"failspec: a report's counterexample is malformed: {error}\n")
        return ExitCode.BAD_INPUT
    stdout.write(rendered)
    return exit_code(document)
