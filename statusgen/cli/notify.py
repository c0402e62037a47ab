"""`statusgen notify`: tell subscribers every update they have not been told yet."""

from __future__ import annotations

import argparse

from statusgen.build import BuildOptions, published_model
from statusgen.cli.site import config_path
from statusgen.notify.send import NOTHING_SENT, require_channels, send
from statusgen.problems import ExitCode, Problems
from statusgen.terminal import print_problems


def notify(args: argparse.Namespace) -> ExitCode:
    options = BuildOptions(config_path(args.config), now=args.now)
    model, problems = published_model(options, real_clock=True)
    if model is None:
        # The build publishes nothing while a file has errors: the page does not say what
        # those files say, so neither may a message.
        print_problems(
            problems, f"{NOTHING_SENT} Correct the errors above, publish, then notify again."
        )
        return ExitCode.PROBLEMS
    config, site, theme = model
    require_channels(config)
    # The writing coach's advice on incidents is the build's to give; here, only what
    # concerns notify's own settings.
    print_problems(Problems([p for p in problems.items if p.path == config.path]))
    return send(config, site, theme, args.dry_run)
