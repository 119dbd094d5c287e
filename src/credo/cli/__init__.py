"""The ``credo`` command line: thin Typer wrappers over the services."""
