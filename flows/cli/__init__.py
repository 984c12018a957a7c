"""The command line (`commitments`): typer commands in `app`, what they print in `output`."""

from flows.cli.app import main

__all__ = ["main"]
