"""The `statusgen` command: argparse in, typed options to the commands, exit codes out."""

from statusgen.cli.main import main

__all__ = ["main"]
