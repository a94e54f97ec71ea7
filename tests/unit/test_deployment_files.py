"""The Dockerfile and systemd units say what the deployment docs promise (Docker itself is not run)."""

from __future__ import annotations

import configparser
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            pairs.append((keyword.upper(), rest.strip()))
    return pairs


def test_the_image_runs_podbrief_as_a_non_root_user_with_a_health_check() -> None:
    instructions = dockerfile_instructions()
    keywords = [k for k, _ in instructions]
    args = dict(instructions)  # last one of each wins, as in Docker
    assert instructions[0] == ("FROM", "python:3.11-slim")
    assert json.loads(args["CMD"]) == ["podbrief", "run"]
    assert args["EXPOSE"] == "3000"
    assert args["USER"] not in ("root", "0") and keywords.index("USER") > keywords.index("RUN")
    assert "/healthz" in args["HEALTHCHECK"] and json.loads(args["HEALTHCHECK"].split("CMD", 1)[1])[0] == "python"
    assert any(k == "RUN" and "pip install ." in a for k, a in instructions)


def test_the_image_leaves_secrets_and_local_state_out() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for entry in (".env", ".git", ".venv", "data", "*.sqlite3"):
        assert entry in ignored


@pytest.mark.parametrize(("unit", "command"), [("podbrief.service", "podbrief run"),
                                               ("podbrief-worker.service", "podbrief worker")])
def test_systemd_units_restart_on_failure_and_are_hardened(unit: str, command: str) -> None:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    parser.read(ROOT / "deploy" / unit, encoding="utf-8")
    service = parser["Service"]
    assert service["ExecStart"].endswith(command)
    assert service["EnvironmentFile"] == "/etc/podbrief/podbrief.env"
    assert service["Restart"] == "on-failure"
    assert service["User"] != "root"
    for option in ("NoNewPrivileges", "ProtectHome", "PrivateTmp"):
        assert service[option] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert parser["Install"]["WantedBy"] == "multi-user.target"
