"""Hostile and mistaken input: every file, however odd, ends in `path:line` problems in that file,
never in a crash, a template's name, a hang or a page that quietly says something else.

The corpus of strings and the slow Markdown shapes are built here, so that each is seen next to
what it must do; tests/cases/hostile/ holds the few whole files that are easier to read as files.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import CONFIG, NOW, RESOLVED, Project, make_incident

from statusgen.source.budget import time_limit

INCIDENT = "incidents/2026-11-20-card-payments.md"
HOSTILE = Path(__file__).resolve().parent / "cases" / "hostile"
# Every line a build prints to stderr: a problem in a file, or the one-line summary.
PROBLEM = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (error|warning): \S")
SUMMARY = re.compile(r"^\d+ errors?, \d+ warnings?")


def _only_problem_lines(err: str) -> list[str]:
    """The stderr of a build holds only `path:line` problems and the summary; return the paths."""
    assert "unexpected" not in err, err
    assert "templates/" not in err and "_macros.html" not in err, err
    paths = []
    for line in err.splitlines():
        found = PROBLEM.match(line)
        assert found or SUMMARY.match(line), f"not a problem line: {line!r}\n{err}"
        if found:
            paths.append(found["path"])
    return paths


# ---------------------------------------------------------------- item 1: one save, no crash


def test_a_reference_to_a_control_character_is_left_out_with_a_warning(project: Project) -> None:
    project.write(INCIDENT, RESOLVED.replace("work again for everyone.", "work A &#11; B &#x0; C"))
    result = project.build()
    assert result.code == 0, result.err
    assert (
        f"{INCIDENT}:27: warning: character references to invisible control characters "
        "(such as `&#11;`) were left out" in result.err
    )
    for name in ("feed.xml", "atom.xml", "api/v2/incidents.json", "index.html"):
        assert "\x0b" not in project.page(name), name
    assert "A  B" in project.page("incidents/2026-11-20-card-payments/index.html")


def test_a_reference_html_reads_as_a_visible_character_is_kept_without_warning(
    project: Project,
) -> None:
    project.write(INCIDENT, RESOLVED.replace("work again for everyone.", "cost &#128;5"))
    result = project.build()
    assert "character references" not in result.err
    assert "cost €5" in project.page("incidents/2026-11-20-card-payments/index.html")


def test_a_yaml_escape_of_a_control_character_in_a_title_is_left_out(project: Project) -> None:
    project.write(
        INCIDENT, RESOLVED.replace("title: Card payments failing at checkout", 'title: "a\\u000bb"')
    )
    result = project.build()
    assert result.code == 0, result.err
    assert (
        f"{INCIDENT}:2: warning: invisible control characters in `title` (written as escapes "
        "such as `\\u000b`) were left out" in result.err
    )
    assert "<title>ab" in project.page("feed.xml") or ">ab: Resolved<" in project.page("feed.xml")


def test_a_lone_surrogate_escape_in_a_title_is_left_out(project: Project) -> None:
    project.write(
        INCIDENT, RESOLVED.replace("title: Card payments failing at checkout", 'title: "a\\ud800b"')
    )
    result = project.build()
    assert result.code == 0, result.err
    assert f"{INCIDENT}:2: warning: invisible control characters in `title`" in result.err


@pytest.mark.parametrize(
    "written", ["9999-12-31T23:30:00-05:00", "0001-01-01T00:00:00+05:00", "3000-01-01T00:00:00Z"]
)
def test_a_time_outside_the_years_a_status_page_means_is_an_error(
    project: Project, written: str
) -> None:
    project.write(
        INCIDENT, RESOLVED.replace("started: 2026-11-20T12:02:00Z", f"started: {written}")
    )
    result = project.build()
    assert result.code == 1, result.err
    year = int(written[:4])
    assert (
        f"{INCIDENT}:5: error: `started`: `{written}` is in the year {year}: a status page "
        "reads times from 1970 to 2999; check the year" in result.err
    )
    _only_problem_lines(result.err)


def test_derived_times_at_the_edge_of_the_range_do_not_overflow(project: Project) -> None:
    text = (
        RESOLVED.replace("2026-11-20T12:02:00Z", "2999-12-31T23:00:00-12:00")
        .replace("2026-11-20T14:00:00Z", "2999-12-31T23:59:00-12:00")
        .replace("2026-11-20T13:31:00Z", "2999-12-31T23:30:00-12:00")
        .replace("2026-11-20 13:31 UTC", "2999-12-31 23:30 -12:00")
        .replace("2026-11-20 12:40 UTC", "2999-12-31 23:10 -12:00")
        .replace("2026-11-20 12:10 UTC", "2999-12-31 23:05 -12:00")
    )
    project.write(INCIDENT, text)
    result = project.run("build", "--now", "2999-12-31T23:59:59-12:00")
    assert result.code in (0, 1), result.err
    _only_problem_lines(result.err)


def test_control_characters_in_the_configuration_are_left_out_with_a_warning(
    project: Project,
) -> None:
    config = CONFIG.replace('title = "Test Status"', 'title = "Test\\u000b Status"').replace(
        'name = "Login"', 'name = "Log\\u0000in"'
    )
    project.write("statusgen.toml", config)
    result = project.build()
    assert result.code == 0, result.err
    assert (
        "statusgen.toml:2: warning: invisible control characters in `title` (written as escapes "
        "such as `\\u000b`) were left out" in result.err
    )
    assert "statusgen.toml:20: warning: invisible control characters in `name`" in result.err
    assert "Test Status" in project.page("feed.xml")
    assert "Login" in project.page("index.html")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"a\\r\\nb"', "`title` must be one line: remove the line break"),
        ('"  "', "[site] `title` is empty: give it a value"),
        ('"\\u0000"', "[site] `title` is empty: give it a value"),
    ],
)
def test_a_site_title_that_no_feed_or_calendar_can_hold_is_an_error(
    project: Project, value: str, message: str
) -> None:
    project.write("statusgen.toml", CONFIG.replace('"Test Status"', value))
    result = project.build()
    assert result.code == 1, result.err
    assert f"statusgen.toml:2: error: {message}" in result.err
    _only_problem_lines(result.err)


# ---------------------------------------------------------------- item 3: no hang, no crawl


def _check(root: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`statusgen check` in a subprocess: a hang fails the test instead of hanging the suite."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.run(
        [sys.executable, "-m", "statusgen", "check", "--now", NOW],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_and_a_link_to_a_device_are_not_read(project: Project) -> None:
    os.mkfifo(project.root / "incidents" / "x.md")
    (project.root / "incidents" / "zero.md").symlink_to("/dev/zero")
    result = _check(project.root, timeout=60)
    assert result.returncode == 1, result.stderr
    for name in ("x.md", "zero.md"):
        assert (
            f"incidents/{name}:1: error: is not a regular file (a pipe, a device or a link to "
            "one) and is not read: replace it with an ordinary file, or remove it" in result.stderr
        )
    _only_problem_lines(result.stderr)


def test_a_file_larger_than_the_limit_is_named_with_its_size(project: Project) -> None:
    project.write(INCIDENT, RESOLVED + "\n" + "a" * 2_100_000 + "\n")
    result = project.build()
    assert result.code == 1
    assert (
        f"{INCIDENT}:1: error: is 2.1 MB; incident files may be at most 1 MB: keep long logs "
        "elsewhere and link to them" in result.err
    )


# Shapes that took from 20 seconds to hours before the time budget; each stays under the size
# limit, so it is the budget (or a fixed pattern) that ends it.
SLOW = {
    "brackets": "[" * 50_000,
    "stars": "*a" * 400_000,
    "entities": "&amp;" * 180_000,
    "hashes": "#" * 50_000 + "x",
    "table": "\n".join("|".join(["a"] * 400) for _ in range(1000)),
}


def test_slow_markdown_shapes_end_in_time_and_name_their_file(project: Project) -> None:
    for name, text in SLOW.items():
        project.write(
            f"incidents/2026-11-20-{name}.md", RESOLVED.replace("work again for everyone.", text)
        )
    result = _check(project.root, timeout=240)
    paths = _only_problem_lines(result.stderr)
    assert result.returncode in (0, 1)
    assert "incidents/2026-11-20-brackets.md:1: error: is too complex to render" in result.stderr
    assert "incidents/2026-11-20-stars.md:1: error: is too complex to render" in result.stderr
    # our own heading pattern is linear now: the line of `#` is only a heading
    assert "incidents/2026-11-20-hashes.md" not in paths


def test_a_heading_of_fifty_thousand_hashes_is_read_at_once(project: Project) -> None:
    project.write(INCIDENT, RESOLVED.replace("## Cause", "#" * 50_000 + "x\n\n## Cause"))
    result = project.build()
    assert "too complex" not in result.err
    assert result.code == 0, result.err


def test_the_time_budget_outside_the_main_thread_degrades_to_no_budget() -> None:
    failures: list[BaseException] = []

    def bounded() -> None:
        try:
            with time_limit(0.01):
                sum(range(1000))
        except BaseException as exc:
            failures.append(exc)

    worker = threading.Thread(target=bounded)
    worker.start()
    worker.join()
    assert failures == []


# ---------------------------------------------------------------- item 4: misspelt keys


@pytest.mark.parametrize(
    ("typo", "key"), [("resovled", "resolved"), ("estimated_restored", "estimated_restore")]
)
def test_a_misspelt_key_that_changes_the_page_is_an_error(
    project: Project, typo: str, key: str
) -> None:
    project.write(INCIDENT, RESOLVED.replace(f"{key}:", f"{typo}:"))
    result = project.build()
    assert result.code == 1, result.err
    line = 7 if key == "resolved" else 6
    assert (
        f"{INCIDENT}:{line}: error: unknown key `{typo}` (did you mean `{key}`?): as written, "
        "the page shows nothing of it; correct the key" in result.err
    )


def test_a_key_far_from_any_known_key_stays_a_warning(project: Project) -> None:
    project.write(INCIDENT, RESOLVED.replace("impact: major", "impact: major\nowner: alice"))
    result = project.build()
    assert result.code == 0, result.err
    assert f"{INCIDENT}:4: warning: unknown key `owner`" in result.err


# ---------------------------------------------------------------- item 5: links in the configuration


@pytest.mark.parametrize(
    "contact", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "JaVaScRiPt:x"]
)
def test_a_contact_that_is_not_a_web_mail_or_phone_address_is_an_error(
    project: Project, contact: str
) -> None:
    project.write("statusgen.toml", CONFIG.replace("mailto:help@status.test", contact))
    result = project.build()
    assert result.code == 1, result.err
    assert f"statusgen.toml:6: error: `contact` = `{contact}` must be a web address" in result.err


def test_a_base_url_that_could_break_out_of_an_attribute_is_an_error(project: Project) -> None:
    project.write(
        "statusgen.toml",
        CONFIG.replace("https://status.test/", 'https://status.test/\\"><script>x</script>'),
    )
    result = project.build()
    assert result.code == 1
    assert "statusgen.toml:3: error: `base_url`" in result.err


# ---------------------------------------------------------------- item 6: links that go nowhere


def test_a_relative_link_or_image_that_goes_nowhere_is_a_warning(project: Project) -> None:
    text = RESOLVED.replace(
        "Some customers could not pay by card.",
        "Some customers could not pay by card.\n\n![graph](x.png)\n\n"
        "[the history](../../history/index.html) and [all](../../)",
    )
    project.write(INCIDENT, text)
    result = project.build()
    assert result.code == 0, result.err
    assert f"{INCIDENT}:13: warning: `x.png` leads nowhere" in result.err
    assert result.err.count("leads nowhere") == 1, result.err


def test_a_link_whose_target_was_removed_keeps_no_rel(project: Project) -> None:
    project.write(
        INCIDENT,
        RESOLVED.replace(
            "Some customers could not pay by card.", '[help](javascript:alert(1) "Help")'
        ),
    )
    assert project.build().code == 0
    page = project.page("incidents/2026-11-20-card-payments/index.html")
    assert "javascript" not in page
    assert not re.search(r"<a (?![^>]*href=)[^>]*rel=", page), page


# ---------------------------------------------------------------- items 7-11


def test_an_untouched_prevention_prompt_counts_no_actions(project: Project) -> None:
    prompt = (
        "<!-- What will change so this does not happen again? One task a line:\n"
        "- [ ] the first action -->"
    )
    project.write(
        INCIDENT,
        RESOLVED.replace(
            "- [x] Alert at 80% of the limit\n- [x] Review the change process\n- [ ] Stage configuration changes",
            prompt,
        ),
    )
    project.build()
    assert "prevention actions done" not in project.page(
        "incidents/2026-11-20-card-payments/index.html"
    )


def test_a_new_incident_with_its_prompts_untouched_counts_no_actions(project: Project) -> None:
    made = project.run(
        "new", "API errors", "--components", "checkout", "--impact", "major", "--now", NOW
    )
    assert made.code == 0, made.err
    path = project.root / made.out.strip().splitlines()[-1]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("## Problem\n", "## Problem\nErrors.\n"), encoding="utf-8")
    assert project.build().code == 0
    page = project.page(f"incidents/{path.stem}/index.html")
    assert "prevention actions done" not in page


# Front matter lines (the file's lines 2, 3, ...), the line of the mistake, and what is said.
YAML_MISTAKES = [
    (["impact: major", 'title: "Card payments', "started: x"], 3, "a quote opened on this"),
    (["impact: major", "title Card payments", "started: x"], 3, "write each key as"),
    (["impact: major", "components: [checkout, payments-api", "title: x"], 3, "expected ','"),
    (["impact: major", "components: {checkout: minor", "title: x"], 3, "expected ','"),
    (["impact: major", "title: Payments: down", "started: x"], 3, "must be in quotes"),
    (["impact: major", 'title: "a\\qb"', "started: x"], 3, "unknown escape"),
    (["title: x", " impact: major", "started: y"], 3, "must be in quotes"),
]


@pytest.mark.parametrize(("lines", "line", "hint"), YAML_MISTAKES)
def test_a_yaml_mistake_is_reported_on_its_own_line(
    project: Project, lines: list[str], line: int, hint: str
) -> None:
    project.write(INCIDENT, "---\n" + "\n".join(lines) + "\n---\n\n## Problem\nx\n")
    result = project.build()
    assert result.code == 1
    assert f"{INCIDENT}:{line}: error: front matter is not valid YAML" in result.err, result.err
    assert hint in result.err


def test_an_update_heading_without_a_date_says_so(project: Project) -> None:
    project.write(INCIDENT, RESOLVED.replace("### 2026-11-20 12:40 UTC", "### 12:40 UTC"))
    result = project.build()
    assert (
        f"{INCIDENT}:29: error: update heading: `12:40 UTC` has a time but no date; write the "
        "date first, e.g. `2026-11-20 12:40 UTC`; a heading reads "
        "`### 2026-11-20 14:10 UTC — Investigating`" in result.err
    )


def test_times_in_a_daylight_saving_change_are_read_with_a_warning(project: Project) -> None:
    text = make_incident(
        title="Night work",
        impact="minor",
        components=["login"],
        started="2026-03-29 02:30",
        body={"Problem": "Logins were slow."},
        updates=[("2026-10-25 02:30 — Investigating", "We are looking.")],
    )
    project.write("incidents/2026-03-29-night.md", text)
    result = project.build()
    assert (
        "incidents/2026-03-29-night.md:5: warning: `started`: 2026-03-29 02:30 did not happen "
        "in Europe/Berlin (the clocks went forward); it was read as 01:30 UTC (03:30 CEST)"
        in result.err
    )
    assert (
        "incidents/2026-03-29-night.md:13: warning: update heading: 2026-10-25 02:30 happened "
        "twice in Europe/Berlin (the clocks went back); the first was taken, 00:30 UTC "
        "(02:30 CEST): for the second, write `2026-10-25 02:30 +01:00`" in result.err
    )


def test_a_file_name_ending_in_a_newline_is_a_bad_slug(project: Project) -> None:
    project.write("incidents/2026-11-20-x\n.md", RESOLVED.replace("Card payments", "Other"))
    result = project.build()
    assert result.code == 1
    assert "error: the file name gives the slug `2026-11-20-x\\n`" in result.err


def test_check_warns_about_example_addresses_and_build_does_not(project: Project) -> None:
    project.write(
        "statusgen.toml",
        CONFIG.replace("https://status.test/", "https://status.example.com/").replace(
            "mailto:help@status.test", "mailto:support@example.com"
        ),
    )
    checked = project.run("check", "--now", NOW)
    assert checked.code == 0
    assert (
        "statusgen.toml:3: warning: `base_url` = `https://status.example.com/` is an example "
        "address: customers would follow it to nowhere; put your own address here before you "
        "publish" in checked.err
    )
    assert "statusgen.toml:6: warning: `contact` = `mailto:support@example.com`" in checked.err
    assert "example address" not in project.build().err


# ---------------------------------------------------------------- item 13: the corpus


def _hostile_strings() -> list[str]:
    """A few hundred strings that have broken status pages: controls, references, escapes,
    huge numbers, bidi overrides, very long words, markup and template injection."""
    found = [chr(c) for c in [*range(0, 32), *range(127, 160)]]
    found += [f"a{chr(c)}b" for c in (0, 8, 11, 12, 27, 127, 133, 0xFFFE, 0xFFFF)]
    found += [f"&#{n};" for n in (0, 1, 8, 11, 12, 27, 31, 127, 128, 129, 150, 159)]
    found += [f"&#x{n};" for n in ("0", "1F", "D800", "DFFF", "FFFE", "FFFF", "110000", "7FFFFFFF")]
    found += ["&#99999999999;", "&#x" + "F" * 40 + ";", "&#" + "9" * 400 + ";", "&#;", "&#x;"]
    found += ["\\u0000", "\\x0b", "\\ud800", "\\U0010FFFF", "\\N", "\\_", "\\e"]
    found += ["9" * 400, "1e999", "-1", "NaN", "inf", "0x" + "f" * 100, "2026-11-20T25:61:61Z"]
    found += [
        "\u202e evil \u202c",
        "\u2066x\u2069",
        "\u200b",
        "\ufeff",
        "\u2028",
        "\u2029",
        "\U0001f525",
    ]
    found += ["a" * 20_000, "word " * 2_000, "é" * 5_000]
    found += [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "javascript:alert(1)",
        "[x](javascript:alert(1))",
        "![x](data:text/html,<script>1</script>)",
        "<a href='//evil.test'>x</a>",
        "{{ 7*7 }}",
        "{% raw %}x{% endraw %}",
        "${7*7}",
        "]]>",
        "<![CDATA[x]]>",
        "<!--",
        "-->",
        "*alias",
        "&anchor x",
        "!!python/object/apply:os.system ['true']",
        "key: value",
        "#",
        "'",
        '"',
        "\\",
        "---",
        "...",
        "## Cause",
        "### 2026-11-20 14:00 UTC — Resolved",
        "| a | b |\n| - | - |",
        "```",
        "\t\t",
        " ",
        "",
        "BEGIN:VEVENT\r\nEND:VEVENT",
        "a\r\nb",
        "a\rb",
        "%s%n%x",
        "../../etc/passwd",
        "CON",
        "\x00\x00\x00",
    ]
    return found


HOSTILE_STRINGS = _hostile_strings()


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar: JSON's escapes are YAML's, lone surrogates included."""
    return json.dumps(text)


def _toml(text: str) -> str:
    """A TOML basic string for any text; TOML refuses surrogates, which is its own error."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 32 or code == 127 or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def test_hostile_strings_in_titles_and_updates_end_in_problem_lines(project: Project) -> None:
    assert len(HOSTILE_STRINGS) > 150
    for index, text in enumerate(HOSTILE_STRINGS):
        title = RESOLVED.replace(
            "title: Card payments failing at checkout", f"title: {_yaml(text)}"
        )
        project.write(f"incidents/2026-11-20-title-{index}.md", title)
        update = RESOLVED.replace("Card payments work again for everyone.", text or "x")
        project.write(f"incidents/2026-11-20-update-{index}.md", update)
    result = project.build()
    assert result.code in (0, 1), result.err
    _only_problem_lines(result.err)
    if result.code == 0:
        assert "\x0b" not in project.page("feed.xml")


def test_hostile_strings_as_component_names_end_in_problem_lines(project: Project) -> None:
    components = "".join(
        f'\n[[components]]\nid = "c{index}"\nname = {_toml(text)}\n'
        for index, text in enumerate(HOSTILE_STRINGS)
    )
    project.write("statusgen.toml", CONFIG + components)
    result = project.build()
    assert result.code in (0, 1), result.err
    _only_problem_lines(result.err)


@pytest.mark.parametrize("key", ["title", "description", "contact", "base_url", "timezone"])
def test_hostile_strings_as_configuration_values_end_in_problem_lines(
    project: Project, key: str
) -> None:
    current = {
        "title": '"Test Status"',
        "description": '"Status of the test services"',
        "contact": '"mailto:help@status.test"',
        "base_url": '"https://status.test/"',
        "timezone": '"Europe/Berlin"',
    }[key]
    for text in HOSTILE_STRINGS[::7]:
        project.write(
            "statusgen.toml", CONFIG.replace(f"{key} = {current}", f"{key} = {_toml(text)}")
        )
        result = project.run("check", "--now", NOW)
        assert result.code in (0, 1), (text, result.err)
        _only_problem_lines(result.err)


@pytest.mark.parametrize("case", sorted(p.name for p in HOSTILE.glob("*.md")))
def test_hostile_files_end_in_problem_lines_in_that_file(project: Project, case: str) -> None:
    project.write(f"incidents/2026-11-20-{Path(case).stem}.md", (HOSTILE / case).read_text())
    result = project.build()
    assert result.code in (0, 1), result.err
    paths = _only_problem_lines(result.err)
    assert all(path.startswith("incidents/") for path in paths), result.err
