"""`python -m failspec` is the `failspec` command."""

from failspec.cli import console_main

console_main()
