"""The C extension of the listing of cut sets (`_listing.c`, decision 70)."""

from array import array
from collections.abc import Sequence

def sort(cut_sets: list[tuple[int, ...]], /) -> None: ...
def count_by_order(cut_sets: list[tuple[int, ...]], /) -> dict[int, int]: ...
def products(cut_sets: list[tuple[int, ...]], q: list[float], out: array[float], /) -> None: ...
def lines(
    cut_sets: list[tuple[int, ...]],
    start: int,
    end: int,
    names: Sequence[str],
    prefixes: Sequence[str],
    separator: str,
    suffix: str,
    terminator: str,
    /,
) -> str: ...
