"""One build: load and validate, render into bytes, publish."""

from statusgen.build.builder import (
    Builder,
    BuildOptions,
    BuildResult,
    build,
    cache_file,
    preview_for,
    published_model,
)

__all__ = [
    "BuildOptions",
    "BuildResult",
    "Builder",
    "build",
    "cache_file",
    "preview_for",
    "published_model",
]
