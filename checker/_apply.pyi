"""The C extension of `decision_diagrams.Bdd`'s apply (`_apply.c`)."""

from collections.abc import Callable

class Memo:
    """The memo of one operation of the apply: (a, b) -> node."""

    def __init__(self) -> None: ...
    def clear(self) -> None: ...
    def __len__(self) -> int: ...

class Unique:
    """The unique table of a BDD: (level, low, high) -> node, read and written as a dict."""

    def __init__(self) -> None: ...
    def get(self, key: tuple[int, int, int], default: int | None = None, /) -> int | None: ...
    def items(self) -> list[tuple[tuple[int, int, int], int]]: ...
    def __getitem__(self, key: tuple[int, int, int]) -> int: ...
    def __setitem__(self, key: tuple[int, int, int], node: int) -> None: ...
    def __len__(self) -> int: ...

def apply(
    level: list[int],
    low: list[int],
    high: list[int],
    unique: Unique,
    memo: Memo,
    a: int,
    b: int,
    absorbing: int,
    limit: int,
    stride: int,
    check: Callable[[], None] | None,
    too_large: type[BaseException],
) -> int: ...
