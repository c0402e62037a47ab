"""How well the writing coach reads a corpus of notes: recall on the bad ones, false alarms on
the good ones.

    .venv/bin/python bench/coach_corpus.py [FOLDER] [--verbose]

FOLDER (default tests/coach/corpus) holds `statusgen.toml`, `bad/` and `good/`. A bad note's
file name starts with the rule it breaks (`blame-dns-vendor.md`); the line with the flaw ends in
`<!-- flaw -->` (or `# flaw` in the front matter). Every note is read at 2026-11-20T16:00:00Z.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from statusgen.config import load_config
from statusgen.lint import coach_for, shipped_book
from statusgen.problems import Problem, Problems
from statusgen.source.markup import MarkdownRenderer
from statusgen.source.reading import parse_limited

NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
RULES = shipped_book().ids  # a bad note's file name starts with the rule it breaks


@dataclass(frozen=True)
class Verdict:
    path: Path
    expected: str | None  # the rule a bad note breaks; None for a good note
    line: int | None  # where the flaw is marked
    findings: tuple[Problem, ...]

    @property
    def caught(self) -> bool:
        # A sentence may run over lines: any of the two lines before the marked one is its.
        return any(
            f.rule == self.expected and (self.line is None or self.line - 2 <= f.line <= self.line)
            for f in self.findings
        )

    @property
    def caught_rule(self) -> bool:
        return any(f.rule == self.expected for f in self.findings)

    @property
    def others(self) -> tuple[Problem, ...]:
        return tuple(f for f in self.findings if f.rule != self.expected)


def review(folder: Path) -> list[Verdict]:
    problems = Problems()
    config = load_config(folder / "statusgen.toml", problems)
    assert config is not None, problems.items
    coach = coach_for(config.path, config.coach, problems)
    renderer = MarkdownRenderer()
    verdicts = []
    for kind in ("bad", "good"):
        for path in sorted((folder / kind).glob("*.md")):
            data = path.read_bytes()
            read = parse_limited(path, data, config.site, renderer, coach)
            assert read.incident is not None, [p.format() for p in read.problems.items]
            found = [p for p in read.problems.items if p.rule]
            found += coach.overdue(path, read.dues, NOW, config.site.zone)
            expected = line = None
            if kind == "bad":
                expected = next(r for r in RULES if path.name.startswith(r + "-"))
                text = data.decode("utf-8").split("\n")
                line = next(
                    (
                        n
                        for n, t in enumerate(text, 1)
                        if t.rstrip().endswith(("<!-- flaw -->", "# flaw"))
                    ),
                    None,
                )
            verdicts.append(Verdict(path, expected, line, tuple(found)))
    return verdicts


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    verbose = "--verbose" in sys.argv
    folder = Path(args[0] if args else "tests/coach/corpus")
    verdicts = review(folder)
    bad = [v for v in verdicts if v.expected]
    good = [v for v in verdicts if not v.expected]
    caught = [v for v in bad if v.caught]
    alarms = [v for v in good if v.findings]
    extra = [v for v in bad if v.others]
    print(f"{folder}: {len(bad)} bad notes, {len(good)} good notes")
    print(
        f"  caught (right rule, right line): {len(caught)}/{len(bad)} = "
        f"{100 * len(caught) / max(len(bad), 1):.0f}%"
    )
    print(f"  caught (right rule, any line):   {sum(v.caught_rule for v in bad)}/{len(bad)}")
    print(f"  good notes with a false alarm:   {len(alarms)}/{len(good)}")
    print(f"  bad notes with another rule too: {len(extra)}/{len(bad)}")
    if verbose:
        for v in bad:
            if not v.caught:
                got = ", ".join(f"{f.rule}@{f.line}" for f in v.findings) or "nothing"
                print(f"MISSED {v.path.name} (want {v.expected}@{v.line}; got {got})")
        for v in alarms + extra:
            for f in v.findings if not v.expected else v.others:
                print(f"ALARM  {v.path.name}:{f.line} [{f.rule}] {f.message[:110]}")


if __name__ == "__main__":
    main()
