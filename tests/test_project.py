"""The project keeps its promises to a new user: documented settings, the README's commands in CI,
and the one-way import direction (endpoint -> loaders, never the reverse)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from endpoint.settings import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme() -> None:
    missing = [s.name for s in SETTINGS if f"`RALLYNOV_{s.name}`" not in README]
    assert missing == []


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    blocks = re.findall(r"```\n(.*?)\n```", README, flags=re.S)
    test_command = next(b for b in blocks if "pytest" in b).strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_loaders_never_import_the_endpoint_or_flask() -> None:
    offenders = []
    for path in (ROOT / "loaders").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}" for n in names if n.split(".")[0] in {"endpoint", "flask"}
            ]
    assert offenders == []
