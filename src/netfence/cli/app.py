"""The ``netfence`` (and ``kubectl netfence``) entry point."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import Annotated

import typer

from netfence.vocabulary import VERSION

# Each module registers its commands with ``register(app)``.
COMMAND_MODULES = (
    "validate",
    "analyze",
    "explain",
    "preflight",
    "snapshot",
    "apply",
    "verify",
    "probe",
    "lab",
    "plan",
    "lint",
    "report",
    "diff",
    "schema",
)

ALIASES = {"generate": "plan", "init": "plan"}
"""Commands registered by a module of another name."""


def _version(value: bool) -> None:
    if value:
        typer.echo(f"netfence {VERSION}")
        raise typer.Exit()


def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Set up and prove zero-trust NetworkPolicy isolation for AI workloads on Kubernetes.

    Pass --debug anywhere to see the traceback of an unexpected error.
    """


def build_app(modules: Sequence[str] = COMMAND_MODULES) -> typer.Typer:
    """The CLI with the commands of ``modules`` (every command by default)."""
    built = typer.Typer(
        name="netfence",
        help="Set up and prove zero-trust NetworkPolicy isolation for AI workloads on Kubernetes.",
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    built.callback()(_root)
    for name in modules:
        importlib.import_module(f"netfence.cli.{name}").register(built)
    return built


def _modules_for(args: Sequence[str]) -> Sequence[str]:
    """Only the module of the command ``args`` name (importing them all costs start-up time);
    every module for help, completion or a name that is no command."""
    command = next((a for a in args if not a.startswith("-")), "")
    module = ALIASES.get(command, command)
    if module not in COMMAND_MODULES or any(k.endswith("_COMPLETE") for k in os.environ):
        return COMMAND_MODULES
    return (module,)


def __getattr__(name: str) -> typer.Typer:
    """``app``: the CLI with every command, built when first asked for."""
    if name != "app":
        raise AttributeError(name)
    globals()["app"] = built = build_app()
    return built


def _usage_line(exc: Exception, prog: str) -> str | None:
    """One line for a command-line usage error (click's UsageError, vendored or not);
    empty when there is nothing to add (the help was already shown)."""
    if getattr(exc, "exit_code", None) != 2 or not hasattr(exc, "format_message"):
        return None
    message = str(exc.format_message()).replace("Value error, ", "")
    if not message:
        return ""
    context = getattr(exc, "ctx", None)
    words = str(getattr(context, "command_path", "") or prog).split()
    command = " ".join([prog, *words[1:]])
    return f"{prog}: {message} (see '{command} --help')\n"


def main() -> None:
    """Run the CLI: usage errors and unexpected exceptions become one line (exit 2 and 1;
    the traceback with --debug)."""
    debug = "--debug" in sys.argv[1:] or os.environ.get("NETFENCE_DEBUG") == "1"
    args = [a for a in sys.argv[1:] if a != "--debug"]
    prog = "kubectl netfence" if os.path.basename(sys.argv[0]) == "kubectl-netfence" else "netfence"
    try:
        code = build_app(_modules_for(args))(args=args, prog_name=prog, standalone_mode=False)
    except KeyboardInterrupt:
        sys.stderr.write("netfence: interrupted\n")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:
        usage = _usage_line(exc, prog)
        if usage is not None:
            sys.stderr.write(usage)
            sys.exit(2)
        if type(exc).__name__ == "Abort":
            sys.stderr.write("netfence: interrupted\n")
            sys.exit(130)
        if debug:
            raise
        sys.stderr.write(
            f"netfence: unexpected error: {type(exc).__name__}: {exc} (rerun with --debug)\n"
        )
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
