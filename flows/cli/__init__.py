"""The command line (`commitments`): typer commands in `app`, what they print in `output`, read-only
access to the published warehouse in `readonly`."""

from flows.cli.app import main

__all__ = ["main"]
