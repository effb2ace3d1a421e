"""The result cache: answers already decided, found again by the fingerprint of exactly
what they depend on (`checker/fingerprint.py`).

Each answer is one file, `<fingerprint>.json`, in the cache folder (by default
`.failspec-cache/` beside the model; `--cache DIR` or `FAILSPEC_CACHE_DIR` to
put it elsewhere, `--no-cache` to do without):

    {"format": "failspec-cache/1", "failspec": "0.1.0", "kind": "check",
     "key": "<fingerprint>", "result": {…}}

Only definite answers are kept (a verdict that holds or is violated, cut sets
searched to the end): an `unknown` depends on the time limit, not on the model.
Faults are stored by name (`component.mode`), never by number, and a
counterexample found again is replayed by the reference simulator before it
is used: an entry that does not replay, does not read, or was written for
another key or format is ignored and rewritten.  Entries are written to a
temporary file and renamed into place, so concurrent runs (`--jobs`, CI
shards) and a run killed mid-write never leave a torn entry.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CACHE_FORMAT = "failspec-cache/1"
CACHE_FOLDER = ".failspec-cache"
CACHE_ENVIRONMENT = "FAILSPEC_CACHE_DIR"

FaultName = tuple[str, str]
"""(component, mode): a fault by name."""


@dataclass(frozen=True, slots=True)
class CachedVerdict:
    """A definite verdict, the engine that decided it, and for a violation the
    canonical scenario (faults by name with their onsets) and its instant."""

    verdict: str
    engine: str
    scenario: tuple[tuple[FaultName, int], ...]
    violation_at: int | None


@dataclass(frozen=True, slots=True)
class CachedCutSet:
    """A minimal cut set (faults by name) with its witness."""

    faults: tuple[FaultName, ...]
    violation_at: int
    onsets: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CachedCutSets:
    """Every minimal cut set up to `max_order`, searched to the end, and the engines
    that searched each order."""

    max_order: int
    cut_sets: tuple[CachedCutSet, ...]
    engines: tuple[str, ...]


def _fault(item: Any) -> FaultName:
    if not isinstance(item, list) or len(item) != 2 or not all(isinstance(p, str) for p in item):
        raise ValueError("a fault is [component, mode]")
    return item[0], item[1]


def _whole(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError("not an instant")
    return value


def _verdict_from(result: Mapping[str, Any]) -> CachedVerdict:
    verdict, engine = result["verdict"], result["engine"]
    if verdict not in ("holds", "violated") or not isinstance(engine, str):
        raise ValueError("not a definite verdict")
    scenario = tuple((_fault(f), _whole(onset)) for f, onset in result["scenario"])
    at = result["violation_at"]
    violation_at = None if at is None else _whole(at)
    if (verdict == "violated") != (violation_at is not None):
        raise ValueError("a violation has an instant, a proof none")
    return CachedVerdict(verdict, engine, scenario, violation_at)


def _cut_sets_from(result: Mapping[str, Any]) -> CachedCutSets:
    cut_sets = []
    for item in result["cut_sets"]:
        faults = tuple(_fault(f) for f in item["faults"])
        onsets = tuple(_whole(o) for o in item["onsets"])
        if len(onsets) != len(faults):
            raise ValueError("one onset per fault")
        cut_sets.append(CachedCutSet(faults, _whole(item["violation_at"]), onsets))
    engines = tuple(result["engines"])
    if not all(isinstance(e, str) for e in engines):
        raise ValueError("engines are names")
    return CachedCutSets(_whole(result["max_order"]), tuple(cut_sets), engines)


class ResultCache:
    """The cache in one folder (created on first write).  Reading never fails: an entry
    that is missing or unreadable is a miss.  Writing never fails either: a folder
    that cannot be written leaves the cache empty (`write_errors` counts them)."""

    def __init__(self, folder: Path, version: str) -> None:
        self.folder = folder
        self.version = version
        self.write_errors = 0

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def _read(self, key: str, kind: str) -> Mapping[str, Any] | None:
        try:
            document = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        if (
            not isinstance(document, dict)
            or document.get("format") != CACHE_FORMAT
            or document.get("failspec") != self.version
            or document.get("kind") != kind
            or document.get("key") != key
            or not isinstance(document.get("result"), dict)
        ):
            return None
        result: Mapping[str, Any] = document["result"]
        return result

    def _write(self, key: str, kind: str, result: Mapping[str, Any]) -> None:
        document = {
            "format": CACHE_FORMAT,
            "failspec": self.version,
            "kind": kind,
            "key": key,
            "result": result,
        }
        text = json.dumps(document, ensure_ascii=False, sort_keys=False) + "\n"
        temporary = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            import tempfile  # here: it loads shutil, bz2 and lzma (4 ms of every start)

            descriptor, name = tempfile.mkstemp(dir=self.folder, prefix=f".{key}.", suffix=".tmp")
            temporary = Path(name)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(temporary, self._path(key))
        except OSError:
            self.write_errors += 1
            if temporary is not None:
                with contextlib.suppress(OSError):
                    temporary.unlink()

    def verdict(self, key: str) -> CachedVerdict | None:
        """The verdict kept under `key`, or None."""
        result = self._read(key, "check")
        if result is None:
            return None
        try:
            return _verdict_from(result)
        except (KeyError, TypeError, ValueError):
            return None

    def keep_verdict(self, key: str, entry: CachedVerdict) -> None:
        self._write(
            key,
            "check",
            {
                "verdict": entry.verdict,
                "engine": entry.engine,
                "violation_at": entry.violation_at,
                "scenario": [[list(fault), onset] for fault, onset in entry.scenario],
            },
        )

    def cut_sets(self, key: str) -> CachedCutSets | None:
        """The cut sets kept under `key`, or None."""
        result = self._read(key, "cut sets")
        if result is None:
            return None
        try:
            return _cut_sets_from(result)
        except (KeyError, TypeError, ValueError):
            return None

    def keep_cut_sets(self, key: str, entry: CachedCutSets) -> None:
        self._write(
            key,
            "cut sets",
            {
                "max_order": entry.max_order,
                "engines": list(entry.engines),
                "cut_sets": [
                    {
                        "faults": [list(f) for f in c.faults],
                        "violation_at": c.violation_at,
                        "onsets": list(c.onsets),
                    }
                    for c in entry.cut_sets
                ],
            },
        )


def cache_folder(model_file: str, explicit: Path | None) -> Path:
    """Where the cache of the model in `model_file` lives: `explicit` (`--cache DIR`),
    else `$FAILSPEC_CACHE_DIR`, else `.failspec-cache/` beside the model."""
    if explicit is not None:
        return explicit
    from_environment = os.environ.get(CACHE_ENVIRONMENT)
    if from_environment:
        return Path(from_environment)
    return Path(model_file).parent / CACHE_FOLDER
