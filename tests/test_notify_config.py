"""`[notify]` in statusgen.toml: every mistake named at its line by `check`, and never a secret
in a file meant to be committed."""

from __future__ import annotations

import re

import pytest

from tests.conftest import CONFIG, ROOT, Project

GOOD = """
[notify]
ledger = "notified.json"

[[notify.webhook]]
url = "https://hooks.status.test/status"
secret_env = "STATUS_WEBHOOK_SECRET"
components = ["checkout"]

[notify.email]
smtp = "smtp://127.0.0.1:8025"
user_env = "SMTP_USER"
password_env = "SMTP_PASSWORD"
from = "Test Status <status@status.test>"
subscribers = "subscribers.txt"

[[notify.chat]]
url_env = "SLACK_URL"
"""


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_spec_example_is_a_valid_configuration(project: Project) -> None:
    project.write("statusgen.toml", CONFIG + GOOD)
    result = project.run("check", "--strict", "--now", "2026-11-20T14:50:00Z")
    assert result.code == 0, result.err
    assert "0 errors, 0 warnings" in result.out


@pytest.mark.parametrize(
    ("wrong", "right", "says"),
    [
        (
            'user_env = "SMTP_USER"',
            'user = "status"',
            "`user` would put a secret in statusgen.toml, which is meant to be committed: set it "
            'in an environment variable and name that variable with `user_env`, e.g. `user_env = "SMTP_USER"`',
        ),
        (
            'password_env = "SMTP_PASSWORD"',
            'password = "hunter2"',
            "`password` would put a secret in statusgen.toml",
        ),
        (
            'url_env = "SLACK_URL"',
            'url = "slack://T1/B2/C3"',
            "`url` would put a secret in statusgen.toml, which is meant to be committed: set it "
            'in an environment variable and name that variable with `url_env`, e.g. `url_env = "SLACK_URL"`',
        ),
        (
            'secret_env = "STATUS_WEBHOOK_SECRET"',
            'secret = "whsec_abc"',
            "name that variable with `secret_env`",
        ),
        (
            'secret_env = "STATUS_WEBHOOK_SECRET"',
            'secret_env = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"',
            "`secret_env` = `whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD` must be the name of an "
            "environment variable, such as `STATUS_WEBHOOK_SECRET`, not its value",
        ),
        (
            'url = "https://hooks.status.test/status"',
            'url = "hooks.status.test/status"',
            "`url` = `hooks.status.test/status` must be an http(s) address to POST to",
        ),
        (
            'components = ["checkout"]',
            'components = ["chekout"]',
            "`chekout` is not a component in [[components]] (did you mean `checkout`?)",
        ),
        (
            'smtp = "smtp://127.0.0.1:8025"',
            'smtp = "smtp://status:hunter2@127.0.0.1:8025"',
            "is not a mail server address: the user and password come from `user_env` and "
            "`password_env`, never the address",
        ),
        (
            'smtp = "smtp://127.0.0.1:8025"',
            'smtp = "imap://mail.status.test"',
            "`smtp` = `imap://mail.status.test` is not a mail server address: write "
            "`smtp://host:587` (STARTTLS when the server offers it) or `smtps://host:465`",
        ),
        (
            'from = "Test Status <status@status.test>"',
            'from = "Test Status"',
            '`from` = `Test Status` needs an address, e.g. "Acme Status <status@acme.com>"',
        ),
        (
            'password_env = "SMTP_PASSWORD"',
            "",
            "give both `user_env` and `password_env`, or neither",
        ),
        (
            'ledger = "notified.json"',
            "retries = 0",
            "`retries` must be a whole number from 1 to 10",
        ),
        (
            'url = "https://hooks.status.test/status"',
            'url = "https://ops:hunter2@hooks.status.test/status"',
            "`url` holds a user or password, which would be written in statusgen.toml and the "
            "ledger: put the whole address in an environment variable and name it with "
            '`url_env`, e.g. `url_env = "STATUS_WEBHOOK_URL"`',
        ),
        (
            'secret_env = "STATUS_WEBHOOK_SECRET"',
            'url_env = "HOOK_URL"',
            "give `url` or `url_env`, not both",
        ),
    ],
)
def test_a_mistake_is_named_at_its_line(
    project: Project, wrong: str, right: str, says: str
) -> None:
    text = CONFIG + GOOD.replace(wrong, right)
    project.write("statusgen.toml", text)
    result = project.run("check", "--now", "2026-11-20T14:50:00Z")
    assert result.code == 1
    where = _line(text, right) if right else _line(text, "user_env")
    found = [line for line in result.err.splitlines() if says in line]
    assert found, result.err
    assert found[0].startswith(f"statusgen.toml:{where}: error: "), found


def test_notify_without_a_channel_is_a_warning(project: Project) -> None:
    project.write("statusgen.toml", CONFIG + "\n[notify]\n")
    result = project.run("check", "--now", "2026-11-20T14:50:00Z")
    assert result.code == 0
    assert (
        "warning: [notify] has no channel: add `[[notify.webhook]]`, `[notify.email]` or "
        "`[[notify.chat]]`" in result.err
    )


def test_an_unknown_key_gets_a_suggestion(project: Project) -> None:
    text = CONFIG + GOOD.replace('subscribers = "subscribers.txt"', 'subscriber = "s.txt"')
    project.write("statusgen.toml", text)
    result = project.run("check", "--now", "2026-11-20T14:50:00Z")
    line = _line(text, "subscriber =")
    assert (
        f"statusgen.toml:{line}: warning: unknown key `subscriber` in [notify.email] "
        "(did you mean `subscribers`?)" in result.err
    )
    assert "[notify.email] needs `subscribers`" in result.err


def _block(readme: str, after: str, fence: str) -> str:
    start = readme.index(fence, readme.index(after)) + len(fence)
    return readme[start : readme.index("```", start)]


def test_the_readme_examples_are_valid(example: Project) -> None:
    """The [notify] table and the subscribers file the README shows, added to the example."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = "## Telling subscribers: `statusgen notify`"
    config = (example.root / "statusgen.toml").read_text(encoding="utf-8")
    example.write("statusgen.toml", config + "\n" + _block(readme, section, "```toml\n"))
    example.write("subscribers.txt", _block(readme, "### Email", "```\n"))
    result = example.run("check", "--now", "2026-11-20T14:50:00Z")
    assert result.code == 0, result.err
    assert "subscribers.txt" not in result.err
    # The example's own placeholder addresses are warned about; nothing in what was added is.
    added = len(config.splitlines())
    lines = [int(n) for n in re.findall(r"^statusgen\.toml:(\d+):", result.err, re.MULTILINE)]
    assert lines and all(n <= added for n in lines), result.err


def test_a_channel_configured_twice_is_an_error(project: Project) -> None:
    text = CONFIG + GOOD + '\n[[notify.chat]]\nurl_env = "SLACK_URL"\n'
    project.write("statusgen.toml", text)
    result = project.run("check", "--now", "2026-11-20T14:50:00Z")
    assert result.code == 1
    first = _line(text, "[[notify.chat]]")
    second = len(text.splitlines()) - 1
    assert (
        f"statusgen.toml:{second}: error: chat SLACK_URL is configured twice (first on line "
        f"{first}): each would hide the other's record of what was sent" in result.err
    )


def test_notify_without_notify_says_where_to_start(project: Project) -> None:
    result = project.run("notify", "--now", "2026-11-20T14:50:00Z")
    assert result.code == 2
    assert (
        "statusgen: statusgen.toml has no [notify]: add a webhook, email or chat channel "
        '(the README\'s "Telling subscribers" shows each)' in result.err
    )
    assert project.run("watch", "--notify").code == 2
