"""The trace model: `failspec-trace/1` JSON, text and HTML rendering, the viewer."""
