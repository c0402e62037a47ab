"""`statusgen notify`: tell subscribers every update they have not been told yet."""

from __future__ import annotations

import argparse

from statusgen.cli.published import published
from statusgen.cli.site import config_path
from statusgen.config import load_config
from statusgen.notify.send import NOTHING_SENT, send
from statusgen.problems import ExitCode, Problems, UsageError
from statusgen.source.theme import load_theme
from statusgen.terminal import print_problems


def notify(args: argparse.Namespace) -> ExitCode:
    problems = Problems()
    config = load_config(config_path(args.config), problems)
    if config is None:
        print_problems(problems, f"{NOTHING_SENT} Correct statusgen.toml first.")
        return ExitCode.PROBLEMS
    if config.notify.ledger is None:
        raise UsageError(
            f"{config.path.name} has no [notify]: add a webhook, email or chat channel "
            '(the README\'s "Telling subscribers" shows each)'
        )
    site = published(config, args.now, problems, epoch=False)
    theme = load_theme(config.templates_dir, problems)
    if problems.errors:
        # The build publishes nothing while a file has errors: the page does not say what
        # those files say, so neither may a message.
        print_problems(
            problems, f"{NOTHING_SENT} Correct the errors above, publish, then notify again."
        )
        return ExitCode.PROBLEMS
    print_problems(problems)
    return send(config, site, theme, args.dry_run)
