"""Semantics and engines: lowering, the reference simulator, the explicit and SMT engines."""
