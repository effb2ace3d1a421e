"""The trace model: `failspec-trace/2` data and JSON (and version 1), text and HTML rendering, the viewer."""
