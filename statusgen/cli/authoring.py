"""`new` and `update`: the command line's words turned into typed requests."""

from __future__ import annotations

import argparse

from statusgen.authoring.commands import NewIncident, NewUpdate, new_incident, update_incident
from statusgen.cli.site import config_path
from statusgen.config import Config, load_config
from statusgen.model import Impact, UpdateStatus
from statusgen.problems import ExitCode, Problems
from statusgen.terminal import print_problems


def _config(args: argparse.Namespace) -> Config | None:
    problems = Problems()
    config = load_config(config_path(args.config), problems)
    print_problems(problems)
    return config


def new(args: argparse.Namespace) -> ExitCode:
    draft = NewIncident(
        title=args.title,
        components=tuple(args.components.split(",")),
        impact=Impact(args.impact) if args.impact else None,
        maintenance=args.maintenance,
        start=args.start,
        end=args.end,
        next_update=args.next_update,
        estimate=args.estimate,
        now=args.now,
        again=args.again,
        strict=args.strict,
    )
    config = _config(args)
    return ExitCode.PROBLEMS if config is None else new_incident(draft, config)


def update(args: argparse.Namespace) -> ExitCode:
    request = NewUpdate(
        slug=args.slug,
        message=args.message,
        status=UpdateStatus(args.status) if args.status else None,
        resolve=args.resolve,
        next_update=args.next_update,
        estimate=args.estimate,
        now=args.now,
        strict=args.strict,
    )
    config = _config(args)
    return ExitCode.PROBLEMS if config is None else update_incident(request, config)
