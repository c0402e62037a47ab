"""Bad input: every problem named by file and line, in one pass, and the last good site kept.

Bad incident files are kept in tests/cases/bad/ as pairs: `<name>.md` is written byte for byte to
incidents/2026-11-20-broken.md of a site that has built once, and `<name>.expected` holds the
`path:line: level: message` line(s) the build must print. Add a case by adding a pair.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import RESOLVED, Project, make_incident

INCIDENT = "incidents/2026-11-20-broken.md"
BAD = Path(__file__).resolve().parent / "cases" / "bad"


def _fails_with(project: Project, expected: str, *args: str) -> str:
    """Build after a good build; expect exit 1, the message, and the published site unchanged."""
    before = project.snapshot()
    result = project.build(*args)
    assert result.code == 1, result.err
    assert expected in result.err, result.err
    assert "nothing was published" in result.err
    assert project.snapshot() == before
    return result.err


@pytest.fixture
def built(project: Project) -> Project:
    assert project.build().code == 0
    return project


def _bad_cases() -> list[str]:
    """The name of every pair in BAD; a file that is not `.md` or `.expected` is a case of its own,
    so that it fails for want of its pair instead of being passed over."""
    names = {p.stem if p.suffix in (".md", ".expected") else p.name for p in BAD.iterdir()}
    return sorted(names) or [f"(no cases in {BAD})"]


@pytest.mark.parametrize("case", _bad_cases())
def test_bad_incident_file_names_file_and_line_and_keeps_site(built: Project, case: str) -> None:
    text, expected = BAD / f"{case}.md", BAD / f"{case}.expected"
    assert text.is_file() and expected.is_file(), (
        f"{case}: {BAD} needs both {text.name} and {expected.name}"
    )
    messages = [line for line in expected.read_text(encoding="utf-8").splitlines() if line]
    assert messages, f"{expected} names no message"
    (built.root / INCIDENT).write_bytes(text.read_bytes())
    err = _fails_with(built, messages[0])
    for message in messages[1:]:
        assert message in err, err


def test_alias_bomb_is_refused_quickly(built: Project) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    built.write(INCIDENT, "---\ntitle: lol\n" + "\n".join(lines) + "\n---\n")
    start = time.monotonic()
    _fails_with(built, "YAML anchors and aliases")
    assert time.monotonic() - start < 5


def test_deep_nesting_is_an_error_in_that_file(built: Project) -> None:
    built.write(INCIDENT, "---\ntitle: " + "[" * 20000 + "\n---\n")
    _fails_with(built, f"{INCIDENT}:1: error: front matter")


def test_not_utf8_names_the_line(built: Project) -> None:
    # Kept here, not in cases/bad/: tools that read a folder of .md files (ruff, editors) stumble
    # on a file that is not UTF-8, or "repair" it.
    (built.root / INCIDENT).write_bytes(b"---\ntitle: ok\n\xff\xfe broken\n---\n")
    _fails_with(built, f"{INCIDENT}:3: error: is not UTF-8 text")


def test_invalid_file_name_is_an_error(built: Project) -> None:
    built.write("incidents/Card Payments.md", RESOLVED)
    _fails_with(
        built, "incidents/Card Payments.md:1: error: the file name gives the slug `Card Payments`"
    )


def test_duplicate_slug_in_subfolders_is_an_error(built: Project) -> None:
    built.write("incidents/2026/11/2026-11-20-card-payments.md", RESOLVED)
    _fails_with(built, "error: the slug `2026-11-20-card-payments` is already used by")


def test_every_problem_is_reported_in_one_pass(built: Project) -> None:
    built.write("incidents/a.md", "no front matter\n")
    built.write("incidents/b.md", "---\ntitle: x\n")
    built.write("statusgen.toml", (built.root / "statusgen.toml").read_text() + "\ncolour = 1\n")
    err = _fails_with(built, "incidents/a.md:1: error")
    assert "incidents/b.md:1: error" in err
    assert "2 errors" in err


def test_unknown_keys_warn_with_suggestion_and_fail_only_under_strict(built: Project) -> None:
    built.write(
        INCIDENT,
        RESOLVED.replace("impact: major", "impact: major\nimpcat: major").replace(
            "Card payments", "Other"
        ),
    )
    result = built.build()
    assert result.code == 0
    assert f"{INCIDENT}:4: warning: unknown key `impcat` (did you mean `impact`?)" in result.err
    _fails_with(built, "warnings count as errors with --strict", "--strict")
    assert built.run("check", "--strict", "--now", "2026-11-20T14:50:00Z").code == 1
    assert built.run("check", "--now", "2026-11-20T14:50:00Z").code == 0


def test_configuration_errors_name_key_and_line(built: Project) -> None:
    text = (built.root / "statusgen.toml").read_text()
    built.write(
        "statusgen.toml",
        text.replace('timezone = "Europe/Berlin"', 'timezone = "Europe/Berln"\ntitel = "x"'),
    )
    err = _fails_with(
        built,
        "statusgen.toml:4: error: `timezone` = `Europe/Berln` is not an IANA "
        "time zone such as `Europe/Berlin` (did you mean `Europe/Berlin`?)",
    )
    assert "statusgen.toml:5: warning: unknown key `titel` in [site] (did you mean `title`?)" in err


def test_toml_syntax_error_names_the_line(built: Project) -> None:
    built.write("statusgen.toml", '[site]\ntitle = "x"\nbase_url = \n')
    _fails_with(built, "statusgen.toml:3: error: not valid TOML")


def test_unknown_component_in_configuration_is_caught(built: Project) -> None:
    text = (built.root / "statusgen.toml").read_text()
    built.write("statusgen.toml", text.replace('id = "login"', 'id = "Log In"'))
    _fails_with(built, "error: component id `Log In` may only use lower-case letters")


def test_template_error_names_the_template_and_line(built: Project) -> None:
    built.write(
        "templates/index.html",
        '{% extends "base.html" %}\n{% block main %}\n'
        "<p>{{ overal.headline }}</p>\n{% endblock %}\n",
    )
    _fails_with(built, "templates/index.html:3: error: template error: UndefinedError")


def test_template_syntax_error_names_the_template_and_line(built: Project) -> None:
    built.write(
        "templates/history.html",
        "{% extends 'base.html' %}\n{% block main %}\n{% for x in months %}\n{% endblock %}\n",
    )
    _fails_with(built, "templates/history.html:4: error: template error:")


def test_unexpected_crash_names_the_file_without_traceback(
    built: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import statusgen.source.reading

    def explode(*args: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(statusgen.source.reading, "parse_incident", explode)
    incident = built.root / "incidents/2026-11-20-card-payments.md"
    incident.write_text(incident.read_text() + "\n")  # changed, so parsed again, not cached
    err = _fails_with(
        built,
        "incidents/2026-11-20-card-payments.md:1: error: statusgen could not "
        "read this file (ZeroDivisionError: boom)",
    )
    assert "Traceback" not in err


@pytest.mark.parametrize("variant", ["bom", "crlf", "cr", "tabs"])
def test_bom_crlf_and_tabs_build_like_any_other(project: Project, variant: str) -> None:
    assert project.build("--out", "plain").code == 0
    plain = (project.root / "plain/incidents/2026-11-20-card-payments/index.html").read_bytes()
    text = RESOLVED
    if variant == "tabs":
        text = text.replace(
            "components: [checkout, payments-api]", "components:\n\t- checkout\n\t- payments-api"
        ).replace("title:", "title:\t")
    data = text.encode("utf-8")
    if variant == "bom":
        data = b"\xef\xbb\xbf" + data
    elif variant in ("crlf", "cr"):
        data = data.replace(b"\n", b"\r\n" if variant == "crlf" else b"\r")
    (project.root / "incidents/2026-11-20-card-payments.md").write_bytes(data)
    result = project.build("--strict", "--out", variant)
    assert result.code == 0, result.err
    assert (
        project.root / variant / "incidents/2026-11-20-card-payments/index.html"
    ).read_bytes() == plain


def test_yaml_words_stay_words(project: Project) -> None:
    project.write(
        INCIDENT,
        make_incident(
            title="no",
            impact="minor",
            components=["login"],
            started="2026-11-20T10:00Z",
            body={"Problem": "x"},
            updates=[("2026-11-20 10:05 UTC — Investigating", "Looking.")],
        ),
    )
    assert project.build().code == 0
    page = project.page("incidents/2026-11-20-broken/index.html")
    assert "<h1>no</h1>" in page


def test_missing_incidents_folder_is_an_error_not_an_empty_page(project: Project) -> None:
    for path in (project.root / "incidents").iterdir():
        path.unlink()
    (project.root / "incidents").rmdir()
    result = project.build()
    assert result.code == 1
    assert "the incidents folder" in result.err and "does not exist" in result.err


def test_check_writes_nothing(project: Project) -> None:
    result = project.run("check", "--now", "2026-11-20T14:50:00Z")
    assert result.code == 0
    assert "Checked: 0 errors, 0 warnings." in result.out
    assert not project.site.exists()


def test_bad_now_is_a_usage_error(project: Project) -> None:
    result = project.run("build", "--now", "yesterday")
    assert result.code == 2
    assert "--now: `yesterday` is not a time" in result.err


def test_an_update_dated_in_the_future_is_a_warning(project: Project) -> None:
    project.write(
        INCIDENT,
        RESOLVED.replace("Card payments", "Other").replace(
            "### 2026-11-20 12:40 UTC — Identified", "### 2026-12-20 14:40 UTC — Update"
        ),
    )
    result = project.build()
    assert result.code == 0
    assert f"{INCIDENT}:29: warning: this update is dated in the future" in result.err


@pytest.mark.parametrize(
    "name", ["2026-11-20-a.MD", "2026-11-20-a.markdown", "2026-11-20-a.md.txt"]
)
def test_a_misnamed_incident_file_is_an_error_not_a_missing_outage(
    built: Project, name: str
) -> None:
    built.write(f"incidents/{name}", RESOLVED)
    _fails_with(
        built,
        f"incidents/{name}:1: error: is not read: incident files must end in "
        "`.md`; rename it to `2026-11-20-a.md`",
    )


def test_other_files_are_a_warning(project: Project) -> None:
    project.write("incidents/notes.pdf", "x")
    result = project.build()
    assert result.code == 0
    assert "incidents/notes.pdf:1: warning: is not an incident file" in result.err


def test_a_linked_folder_is_read_and_a_link_loop_ends(project: Project) -> None:
    project.write("shared/2026-11-19-linked.md", RESOLVED.replace("Card payments", "Linked"))
    (project.root / "incidents/shared").symlink_to(project.root / "shared")
    (project.root / "shared/loop").symlink_to(project.root / "shared")
    assert project.build().code == 0
    assert (project.site / "incidents/2026-11-19-linked/index.html").is_file()


def test_a_future_resolution_is_a_warning(project: Project) -> None:
    project.write(
        INCIDENT,
        RESOLVED.replace(
            "### 2026-11-20 13:31 UTC — Resolved\nCard payments work again for everyone.\n\n", ""
        )
        .replace("resolved: 2026-11-20T13:31:00Z", "resolved: 2026-11-20T16:30:00Z")
        .replace("Card payments", "Other"),
    )
    result = project.build()
    assert f"{INCIDENT}:1: warning: it is resolved in the future" in result.err


def test_markdown_nested_too_deeply_names_the_file(built: Project) -> None:
    built.write(
        INCIDENT,
        RESOLVED.replace("Card payments", "Deep").replace(
            "Some customers could not pay by card.", "- " * 3000 + "x"
        ),
    )
    _fails_with(built, f"{INCIDENT}:9: error: the Markdown is nested too deeply to render")


def test_api_bodies_carry_no_html(project: Project) -> None:
    project.write(
        "incidents/2026-11-20-card-payments.md",
        RESOLVED.replace(
            "We found the cause and are rolling back.",
            'We <b onmouseover="alert(9)">found</b> it <script>x()</script>& rolled back.',
        ),
    )
    assert project.build().code == 0
    bodies = [
        u["body"]
        for i in __import__("json").loads(project.page("api/v2/incidents.json"))["incidents"]
        for u in i["incident_updates"]
    ]
    assert "We found it & rolled back." in bodies
    assert not any("<" in body for body in bodies)


def test_headings_without_a_space_count_as_headings(project: Project) -> None:
    project.write(
        INCIDENT,
        "---\ntitle: Tight\nimpact: minor\ncomponents: [login]\n"
        "started: 2026-11-20T10:00Z\nnext_update: 2026-11-20T16:00Z\n---\n##Problem\nx\n\n##Updates\n"
        "###2026-11-20 10:10 UTC — Investigating\nLooking.\n",
    )
    result = project.build("--strict")
    assert result.code == 0, result.err
    page = project.page("incidents/2026-11-20-broken/index.html")
    assert "Looking." in page and "We are confirming what customers are seeing" not in page


def test_an_update_long_before_the_start_is_a_warning(project: Project) -> None:
    project.write(
        INCIDENT,
        RESOLVED.replace("Card payments", "Other").replace(
            "### 2026-11-20 12:10 UTC — Investigating", "### 2025-11-20 12:10 UTC — Investigating"
        ),
    )
    result = project.build()
    assert (
        f"{INCIDENT}:32: warning: this update is dated before the incident `started`" in result.err
    )


def test_a_plain_text_file_beside_the_incidents_is_only_a_warning(project: Project) -> None:
    project.write("incidents/README.txt", "How we write incidents.\n")
    result = project.build()
    assert result.code == 0, result.err
    assert "incidents/README.txt:1: warning: is not an incident file" in result.err
