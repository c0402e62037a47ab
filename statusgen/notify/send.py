"""Everything `notify` checks before the first message goes (the subscribers, every secret,
the ledger), then the run: for the command and for `watch --notify` alike."""

from __future__ import annotations

import os

from statusgen.config import Config
from statusgen.model import Site, Theme
from statusgen.notify.ledger import LedgerError
from statusgen.notify.preflight import read_secrets, template_problems
from statusgen.notify.run import run
from statusgen.notify.subscribers import read_subscribers
from statusgen.problems import ExitCode, Problems, UsageError
from statusgen.terminal import print_problems, say

NOTHING_SENT = "Nothing was sent."


def require_channels(config: Config) -> None:
    if config.notify.ledger is None:
        raise UsageError(
            f"{config.path.name} has no [notify]: add a webhook, email or chat channel "
            '(the README\'s "Telling subscribers" shows each)'
        )


def missing_secrets(config: Config) -> list[str]:
    """A sentence for each variable `[notify]` names that the environment lacks."""
    return read_secrets(config, os.environ)[1]


def send(config: Config, site: Site, theme: Theme, dry_run: bool = False) -> ExitCode:
    problems = Problems()
    email = config.notify.email
    subscribers = (
        read_subscribers(email.subscribers, config.site.components, problems) if email else []
    )
    template_problems(config, site, theme, problems)
    if problems.errors:
        print_problems(problems, f"{NOTHING_SENT} Correct the errors above, then notify again.")
        return ExitCode.PROBLEMS
    secrets, missing = read_secrets(config, os.environ)
    if missing and not dry_run:
        for sentence in missing:
            say(f"statusgen: {sentence}")
        say(f"{NOTHING_SENT} Secrets come from the environment, never from {config.path.name}.")
        return ExitCode.PROBLEMS
    try:
        code = run(config, site, theme, subscribers, secrets, dry_run)
    except LedgerError as exc:
        problems.error(exc.path, exc.line, exc.message)
        print_problems(problems, NOTHING_SENT)
        return ExitCode.PROBLEMS
    if dry_run:
        for sentence in missing:
            say(f"statusgen: {sentence}")
        if missing:
            say("A real run would stop there, before sending anything.")
            return ExitCode.PROBLEMS
        print("Dry run: nothing was sent and the ledger was not changed.")
    return code
