"""The C extension of `decision_diagrams.Bdd`'s apply (`_apply.c`)."""

from collections.abc import Callable

class Memo:
    """The memo of one operation of the apply: (a, b) -> node."""

    def __init__(self) -> None: ...
    def clear(self) -> None: ...
    def __len__(self) -> int: ...

def apply(
    level: list[int],
    low: list[int],
    high: list[int],
    unique: dict[tuple[int, int, int], int],
    memo: Memo,
    a: int,
    b: int,
    absorbing: int,
    limit: int,
    stride: int,
    check: Callable[[], None] | None,
    too_large: type[BaseException],
) -> int: ...
