"""The failspec language: grammar, parser, AST, validation and errors with source spans."""
