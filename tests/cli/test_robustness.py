"""Bad input to every command: one clear line naming the file, exit 1 (input), 2 (usage) or
3 (environment), never a traceback, never a partial write.

In-process through ``CliRunner`` for speed: a command that raised anything but SystemExit
would have shown a user a traceback (or, through ``main``, an "unexpected error" line).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from netfence.cli.app import app
from tests.conftest import EXAMPLES

GUIDE = str(EXAMPLES / "guide-literal")
HUGE_BYTES = 60 * 1024 * 1024


def invoke(args: Sequence[str], stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=stdin)


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def assert_one_line(result: Result, code: int, *fragments: str) -> str:
    """Exit ``code`` through SystemExit with exactly one stderr line holding ``fragments``."""
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == code, (result.exit_code, result.stderr)
    lines = error_lines(result)
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def assert_lines_name(result: Result, code: int, path: str) -> None:
    """Exit ``code`` through SystemExit with one stderr line per problem, each naming ``path``."""
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == code, (result.exit_code, result.stderr)
    lines = error_lines(result)
    assert lines, "expected at least one problem line"
    assert all(path in line for line in lines), lines


def assert_usage_error(result: Result, *fragments: str) -> None:
    """Exit 2 through SystemExit; the message names the option and the value."""
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    text = " ".join(result.stderr.split())
    for fragment in fragments:
        assert fragment in text, (fragment, text)


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Bad inputs by name; the 60 MB file is sparse, so it costs no disk."""
    folder = tmp_path_factory.mktemp("bad")
    (folder / "empty-folder").mkdir()
    (folder / "no-manifests").mkdir()
    (folder / "no-manifests" / "README.txt").write_text("hello: world\n")
    (folder / "binary.yaml").write_bytes(bytes(range(256)) * 16)
    with (folder / "huge.yaml").open("wb") as handle:
        handle.truncate(HUGE_BYTES)
    (folder / "invalid.yaml").write_text("kind: NetworkPolicy\nmetadata: {name: a\n  spec: [\n")
    (folder / "wrong-kind.yaml").write_text("apiVersion: v1\nkind: Banana\nmetadata: {name: a}\n")
    (folder / "empty.yaml").write_text("")
    return {
        "missing": folder / "missing.yaml",
        "empty-folder": folder / "empty-folder",
        "no-manifests": folder / "no-manifests",
        "binary": folder / "binary.yaml",
        "huge": folder / "huge.yaml",
        "invalid": folder / "invalid.yaml",
        "wrong-kind": folder / "wrong-kind.yaml",
        "empty": folder / "empty.yaml",
    }


# Commands reading manifests; {input} is the bad input, {out} a fresh folder.
MANIFEST_COMMANDS = {
    "validate": ["validate", "{input}"],
    "analyze": ["analyze", "{input}"],
    "explain": ["explain", "{input}", "a/b", "c/d", "80"],
    "lint": ["lint", "{input}"],
    "report": ["report", "{input}", "-o", "{out}/report.html"],
    "diff old": ["diff", "{input}", GUIDE],
    "diff new": ["diff", GUIDE, "{input}"],
    "plan --cluster-manifests": ["plan", "--cluster-manifests", "{input}", "-o", "{out}/plan"],
    "lab rules": ["lab", "rules", "a/b", "{input}"],
}
# These build a network lab when the input is readable: only inputs the loader refuses.
LAB_COMMANDS = {
    "lab probe": ["lab", "probe", "{input}"],
    "lab verify": ["lab", "verify", "{input}"],
    "lab up": ["lab", "up", "{input}"],
}
UNREADABLE = ("missing", "empty-folder", "no-manifests", "binary", "huge", "invalid")
# Inputs that hold nothing netfence reads: an error wherever an analysis needs objects.
NOTHING = ("wrong-kind", "empty")
NEEDS_OBJECTS = ("validate", "analyze", "explain", "lint", "report", "plan --cluster-manifests")

BLUEPRINT_COMMANDS = {
    "plan": ["plan", "{input}", "-o", "{out}/plan"],
    "generate": ["generate", "{input}", "-o", "{out}/generate"],
    "lint --blueprint": ["lint", GUIDE, "--blueprint", "{input}"],
    "lab probe --blueprint": ["lab", "probe", "--blueprint", "{input}"],
}
BAD_BLUEPRINTS = ("missing", "binary", "huge", "invalid", "wrong-kind", "empty")
SETTINGS_COMMANDS = {
    "lint --config": ["lint", GUIDE, "--config", "{input}"],
    "lint --roles": ["lint", GUIDE, "--roles", "{input}"],
}
BAD_SETTINGS = ("missing", "binary", "huge", "invalid")


def named(args: list[str], *rest: object) -> object:
    """A test case named by its command line (the guide's folder left out)."""
    return pytest.param(args, *rest, id=" ".join(a for a in args if a != GUIDE))


def fill(template: Sequence[str], path: Path, out: Path) -> list[str]:
    return [arg.replace("{input}", str(path)).replace("{out}", str(out)) for arg in template]


def cases(commands: dict[str, list[str]], inputs: Sequence[str]) -> Iterator[object]:
    for command, template in commands.items():
        for name in inputs:
            yield pytest.param(template, name, id=f"{command}-{name}")


@pytest.mark.parametrize(
    ("template", "name"),
    [
        *cases(MANIFEST_COMMANDS, UNREADABLE),
        *cases(LAB_COMMANDS, UNREADABLE),
        *cases({k: MANIFEST_COMMANDS[k] for k in NEEDS_OBJECTS}, NOTHING),
        *cases(SETTINGS_COMMANDS, BAD_SETTINGS),
    ],
)
def test_bad_input_file_is_one_line_naming_it(
    template: list[str], name: str, bad: dict[str, Path], tmp_path: Path
) -> None:
    path = bad[name]
    result = invoke(fill(template, path, tmp_path))
    assert_one_line(result, 1, str(path))
    assert list(tmp_path.iterdir()) == [], "nothing may be written on bad input"


@pytest.mark.parametrize(("template", "name"), list(cases(BLUEPRINT_COMMANDS, BAD_BLUEPRINTS)))
def test_bad_blueprint_is_a_line_per_problem_naming_it(
    template: list[str], name: str, bad: dict[str, Path], tmp_path: Path
) -> None:
    path = bad[name]
    result = invoke(fill(template, path, tmp_path))
    assert_lines_name(result, 1, str(path))
    assert list(tmp_path.iterdir()) == [], "nothing may be written on bad input"


def test_unknown_blueprint_field_names_file_line_and_field(tmp_path: Path) -> None:
    blueprint = tmp_path / "blueprint.yaml"
    assert invoke(["init", "-o", str(blueprint)]).exit_code == 0
    blueprint.write_text(blueprint.read_text() + "bogus: 1\n")
    line_number = len(blueprint.read_text().splitlines())
    result = invoke(["plan", str(blueprint), "-o", str(tmp_path / "out")])
    assert_one_line(result, 1, f"{blueprint}:{line_number}: bogus: unknown field")
    assert not (tmp_path / "out").exists()


def test_lint_config_with_an_unknown_section(tmp_path: Path) -> None:
    config = tmp_path / "netfence.yaml"
    config.write_text("lint:\n  fail-on: never\nlnt:\n  disable: [all]\n")
    result = invoke(["lint", GUIDE, "--config", str(config)])
    assert_one_line(result, 1, f"{config}:3: lnt: unknown section")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("ai-agents: agnets\n", "1: ai-agents: unknown role 'agnets'"),
        ("ai-agents/x/y: agents\n", "1: ai-agents/x/y: expected a namespace or namespace/name"),
    ],
    ids=["unknown-role", "bad-key"],
)
def test_lint_roles_file_mistakes(text: str, fragment: str, tmp_path: Path) -> None:
    roles = tmp_path / "roles.yaml"
    roles.write_text(text)
    result = invoke(["lint", GUIDE, "--roles", str(roles)])
    assert_one_line(result, 1, f"{roles}:{fragment}")


@pytest.mark.parametrize(
    "stdin",
    [b"\x00\x01\xff garbage", b"kind: [unclosed\n", b"\xff\xfe not utf-8"],
    ids=["binary", "invalid-yaml", "not-utf8"],
)
@pytest.mark.parametrize(
    "args",
    [["validate", "-"], ["analyze", "-"], ["lint", "-"], ["explain", "-", "a/b", "c/d", "80"]],
    ids=["validate", "analyze", "lint", "explain"],
)
def test_garbage_on_stdin(args: list[str], stdin: bytes) -> None:
    assert_one_line(invoke(args, stdin), 1, "-:")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        named(["analyze", GUIDE, "--port", "0"], ["--port", "0"]),
        named(["analyze", GUIDE, "--port", "70000"], ["--port", "70000"]),
        named(["analyze", GUIDE, "--port", "-5"], ["--port", "-5"]),
        named(["analyze", GUIDE, "--port", "80", "--protocol", "icmp"], ["--protocol", "icmp"]),
        named(["analyze", GUIDE, "--from", "app in (a"], ["--from", "app in (a"]),
        named(["analyze", GUIDE, "--to", "!!x"], ["--to", "!!x"]),
        named(["analyze", GUIDE, "--format", "xml"], ["--format", "xml"]),
        named(["analyze", GUIDE, "--bogus"], ["--bogus"]),
        named(["analyze", GUIDE, "--max-bytes", "0"], ["--max-bytes"]),
        named(["explain", GUIDE, "ai-inference/vllm-0", "ai-data/minio-0", "0/TCP"], ["0"]),
        named(["explain", GUIDE, "ai-inference/vllm-0", "ai-data/minio-0", "443/ICMP"], ["ICMP"]),
        named(["explain", GUIDE, "ai-inference/vllm-0", "ai-data/minio-0", "443/"], ["443/"]),
        named(["explain", GUIDE, "ai-inference/vllm-0", "443"], ["SRC DST PORT"]),
        named(["lint", GUIDE, "--pod-cidr", "10.0.0.0/33"], ["--pod-cidr", "10.0.0.0/33"]),
        named(["lint", GUIDE, "--pod-cidr", "banana"], ["--pod-cidr", "banana"]),
        named(["lint", GUIDE, "--service-cidr", "10.0.0.1/8"], ["--service-cidr", "10.0.0.1/8"]),
        named(["lint", GUIDE, "--dns-ip", "300.1.1.1"], ["--dns-ip", "300.1.1.1"]),
        named(["lint", GUIDE, "--disable", "no-such-rule"], ["no-such-rule"]),
        named(["lint", GUIDE, "--fail-on", "sometimes"], ["--fail-on", "sometimes"]),
        named(["lab", "probe", GUIDE, "--port", "0"], ["0"]),
        named(["lab", "probe", GUIDE, "--port", "70000"], ["70000"]),
        named(["lab", "probe", GUIDE, "--protocol", "icmp"], ["--protocol", "icmp"]),
        named(["lab", "verify", GUIDE, "--port", "70000"], ["70000"]),
        named(["probe", "--port", "70000", "--dry-run"], ["--port", "70000"]),
        named(["plan", "--template", "nope"], ["--template", "nope"]),
        named(["init", "--template", "nope"], ["--template", "nope"]),
        named(["diff", GUIDE, GUIDE, "--endpoints", "sideways"], ["--endpoints", "sideways"]),
        named(["diff", GUIDE], ["OLD and NEW"]),
        named(["no-such-command"], ["no-such-command"]),
        named(["lab", "no-such-command"], ["no-such-command"]),
    ],
)
def test_bad_option_value_is_a_usage_error(args: list[str], fragments: list[str]) -> None:
    assert_usage_error(invoke(args), *fragments)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        named(
            ["explain", GUIDE, "ai-inference/vllm", "ai-data/minio-0", "443"], "ai-inference/vllm-0"
        ),
        named(["explain", GUIDE, "ai-inference/vllm-0", "ext:bogus", "443"], "ext:bogus"),
        named(["lab", "rules", "nope/nope", GUIDE], "nope/nope"),
        named(["analyze", GUIDE, "--from", "nope/nope"], "nope/nope"),
        named(["analyze", GUIDE, "--to", "app=no-such-app"], "app=no-such-app"),
    ],
)
def test_unknown_endpoint_is_one_line(args: list[str], fragment: str) -> None:
    assert_one_line(invoke(args), 1, fragment)


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "-o", "{file}"],
        ["generate", "-o", "{file}"],
        ["init", "-o", "{file}"],
    ],
    ids=["plan", "generate", "init"],
)
def test_existing_output_file_is_kept(args: list[str], tmp_path: Path) -> None:
    existing = tmp_path / "mine.txt"
    existing.write_text("keep me\n")
    result = invoke([a.replace("{file}", str(existing)) for a in args])
    assert_one_line(result, 2, str(existing))
    assert existing.read_text() == "keep me\n"


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "-o", "{blocked}/out"],
        ["generate", "-o", "{blocked}/out"],
        ["init", "-o", "{blocked}/blueprint.yaml"],
        ["report", GUIDE, "-o", "{blocked}/report.html"],
    ],
    ids=["plan", "generate", "init", "report"],
)
def test_unwritable_output_is_one_line(args: list[str], tmp_path: Path) -> None:
    """A path under a regular file cannot be created, even by root."""
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    result = invoke([a.replace("{blocked}", str(blocked)) for a in args])
    assert_one_line(result, 3, str(blocked))
    assert blocked.read_text() == ""


def test_snapshot_to_unwritable_output(stand_in_kubeconfig: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    output = blocked / "cluster.yaml"
    result = invoke(["snapshot", "--kubeconfig", str(stand_in_kubeconfig), "-o", str(output)])
    assert_one_line(result, 3, str(output))


def test_failed_proof_writes_nothing(tmp_path: Path) -> None:
    result = invoke(["plan", "--template", "guide", "-o", str(tmp_path / "out")])
    assert isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert not (tmp_path / "out").exists()


def test_proof_on_manifests_without_the_workloads_fails(tmp_path: Path) -> None:
    """Proving on pods that none of the blueprint's workloads select proves nothing."""
    result = invoke(
        ["plan", "--cluster-manifests", f"{GUIDE}/01-deny-all.yaml", "-o", str(tmp_path / "o")]
    )
    assert_one_line(result, 1, "nothing to prove")
    assert not (tmp_path / "o").exists()


def all_command_paths(command: object, prefix: tuple[str, ...] = ()) -> list[list[str]]:
    """Every command and subcommand, as the words that name it."""
    paths = [list(prefix)]
    for name, sub in getattr(command, "commands", {}).items():
        paths += all_command_paths(sub, (*prefix, name))
    return paths


@pytest.mark.parametrize(
    "path", all_command_paths(typer.main.get_command(app)), ids=lambda p: " ".join(p) or "root"
)
def test_every_help_page_renders(path: list[str]) -> None:
    result = invoke([*path, "--help"])
    assert result.exit_code == 0, result.exception
    assert "Usage" in result.stdout


def test_blueprint_from_stdin(tmp_path: Path) -> None:
    blueprint = invoke(["init", "-o", "-"]).stdout.encode()
    result = invoke(["plan", "-", "-o", str(tmp_path / "out")], blueprint)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "kustomization.yaml").is_file()


def test_garbage_blueprint_on_stdin(tmp_path: Path) -> None:
    result = invoke(["plan", "-", "-o", str(tmp_path / "out")], b"\x00garbage")
    assert_one_line(result, 1, "-:")
    assert not (tmp_path / "out").exists()


def test_port_name_nothing_serves_is_said() -> None:
    result = invoke(["analyze", GUIDE, "--port", "no-such-name"])
    assert result.exit_code == 0, result.stderr
    assert error_lines(result) == [
        "note: no destination serves a port named 'no-such-name': only self traffic is allowed"
    ]
