"""`statusgen.toml` into a frozen Config, every problem reported with its key and line."""

from statusgen.config.coach import CoachSettings
from statusgen.config.components import SLUG
from statusgen.config.site import CONFIG_NAME, Config, find_config, load_config

__all__ = ["CONFIG_NAME", "SLUG", "CoachSettings", "Config", "find_config", "load_config"]
