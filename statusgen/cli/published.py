"""The site as customers see it at `--now`, for commands that read it without building it."""

from __future__ import annotations

import argparse

from statusgen.cli.site import config_path
from statusgen.config import load_config
from statusgen.model import Site
from statusgen.problems import Problems, TimeError, UsageError
from statusgen.source.load import load_incidents
from statusgen.source.times import resolve_now


def load_published(args: argparse.Namespace) -> tuple[Site | None, Problems]:
    """Every incident file but drafts (customers cannot see them), at `--now`; None when the
    configuration cannot be read. A file with errors is left out and its problems returned."""
    problems = Problems()
    config = load_config(config_path(args.config), problems)
    if config is None:
        return None, problems
    try:
        now = resolve_now(args.now, config.site.zone)
    except TimeError as exc:
        raise UsageError(f"--now: {exc}" if args.now else str(exc)) from None
    incidents = load_incidents(config, problems)
    return Site(config.site, tuple(i for i in incidents if not i.draft), now), problems
