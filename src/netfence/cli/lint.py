"""``netfence lint``: the guide's common failures and AI-specific risks, for people and CI."""

from __future__ import annotations

import ipaddress
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from netfence.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    ClusterOpt,
    ContextOpt,
    ExcludeOpt,
    KubeconfigOpt,
    MaxBytesOpt,
    NamespaceOpt,
    PathsOrCluster,
    Reading,
    ResolveOpt,
    StrictFilesOpt,
    ValidateMode,
    ValidateOpt,
    VerboseOpt,
    engine_options,
    err,
    fail,
    input_options,
    networks,
    out,
    print_notes,
    print_problems,
)
from netfence.cli.front import print_notices, read_paths_or_cluster
from netfence.cli.possible import require_something
from netfence.cli.progress import Phases, progress_bar
from netfence.lint.api import removed_api
from netfence.lint.config import (
    LintConfig,
    UnknownRuleError,
    find_config,
    load_config,
    switch_rules,
)
from netfence.lint.finding import SEVERITY_RANK
from netfence.lint.options import ALL_RULES, LintOptions
from netfence.lint.roles import merge_roles, roles_from_file
from netfence.lint.run import LintReport, Progress, lint_inputs
from netfence.load import Limits
from netfence.model import IPAddress
from netfence.problems import InputError
from netfence.report.lint_json import write_lint_json
from netfence.report.lint_text import render_lint_text
from netfence.report.sarif import render_sarif

if TYPE_CHECKING:  # the blueprint modules load when a blueprint is read (start-up time)
    from netfence.lint.blueprint_input import BlueprintFacts

HELP = (
    "Find broken DNS, one-sided flows, selectors that match nothing and AI-specific risks "
    "(model weights that can leave, metadata access, open inference) before anything is "
    "applied.\n\n"
    "Exit 1 when a finding reaches --fail-on (default: error), 0 otherwise. Settings can live "
    "in .netfence.yaml (see docs/rules.md); options on the command line win.\n\n"
    "Examples:\n\n"
    "  netfence lint manifests/\n\n"
    "  netfence lint policies/ --blueprint blueprint.yaml --fail-on warning\n\n"
    "  netfence lint k8s/ --format sarif > netfence.sarif\n"
)


class LintFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


RuleIds = Annotated[
    list[str] | None, typer.Option(help="Rule id (repeatable; 'all' for every rule).")
]


def register(app: typer.Typer) -> None:
    app.command("lint", help=HELP)(lint)


def _ips(texts: list[str]) -> tuple[IPAddress, ...]:
    try:
        return tuple(ipaddress.ip_address(t) for t in texts)
    except ValueError as exc:
        fail(f"--dns-ip: {exc}", EXIT_USAGE)


def _settings(
    config_path: str | None, roles_path: str | None, blueprint_path: str | None
) -> tuple[LintConfig, dict[str, str], BlueprintFacts | None]:
    """The config file, roles file and blueprint; a bad one ends the command (exit 1)."""
    try:
        found = find_config(config_path, os.getcwd())
        config = load_config(found) if found else LintConfig()
        facts = None
        if blueprint_path is not None:
            from netfence.blueprint import load_blueprint
            from netfence.lint.blueprint_input import blueprint_facts

            facts = blueprint_facts(load_blueprint(blueprint_path), blueprint_path)
        roles = merge_roles(
            facts.roles if facts else {}, roles_from_file(roles_path) if roles_path else {}
        )
    except InputError as exc:
        print_problems(exc.problems)
        raise typer.Exit(EXIT_FINDINGS) from None
    return config, roles, facts


def _reaches(report: LintReport, fail_on: str) -> bool:
    if fail_on == "never":
        return False
    return any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK[fail_on] for f in report.findings)


def _options(
    settings: LintConfig,
    facts: BlueprintFacts | None,
    switches: tuple[list[str], list[str]],
    dns_ip: list[str],
    cidrs: tuple[list[str], list[str]],
    ipblock_pods: Reading | None,
    resolve: list[str] | None = None,
) -> LintOptions:
    """Command line first, then the config file, then the blueprint, then the defaults."""
    try:
        enabled = switch_rules(ALL_RULES, settings.disable, settings.enable)
        rules = switch_rules(enabled, *switches)
    except UnknownRuleError as exc:
        fail(str(exc), EXIT_USAGE)
    reading = ipblock_pods.value if ipblock_pods else settings.ipblock_pods
    pod_cidrs = (
        networks("--pod-cidr", cidrs[0]) or settings.pod_cidr or (facts.pod_cidrs if facts else ())
    )
    return LintOptions(
        rules=rules,
        dns_ips=_ips(dns_ip) or settings.dns_ip or (facts.dns_ips if facts else ()),
        pod_cidrs=pod_cidrs,
        service_cidrs=networks("--service-cidr", cidrs[1])
        or settings.service_cidr
        or (facts.service_cidrs if facts else ()),
        engine=replace(engine_options(reading, None, resolve), pod_cidrs=pod_cidrs),
        dns_labels=facts.dns_labels if facts else LintOptions().dns_labels,
        guardrails=facts.guardrails if facts else (),
    )


@contextmanager
def _progress(verbose: bool) -> Iterator[Progress | None]:
    """Progress of the rule families on stderr: one line each with --verbose, a transient bar
    on a terminal, nothing otherwise (stdout only ever holds the report)."""
    if verbose:

        def line(rule: str, done: int, total: int) -> None:
            err.print(f"lint: {done + 1}/{total} {rule}", markup=False)

        yield line
    elif err.is_terminal:
        with progress_bar("linting") as advance:

            def bar(_rule: str, done: int, total: int) -> None:
                advance(done, total)

            yield bar
    else:
        yield None


def _write(report: LintReport, output: LintFormat, hints: bool) -> None:
    if output is LintFormat.json:
        write_lint_json(report, sys.stdout)
    elif output is LintFormat.sarif:
        sys.stdout.write(render_sarif(report, os.getcwd()))
        for note in report.notes:
            err.print(f"note: {note}", markup=False, emoji=False)
    else:
        render_lint_text(report, out, hints)


def lint(
    paths: PathsOrCluster = None,
    output: Annotated[
        LintFormat, typer.Option("--format", "-f", help="Output format.")
    ] = LintFormat.text,
    fail_on: Annotated[
        FailOn | None, typer.Option(help="Exit 1 when a finding is this severe (default error).")
    ] = None,
    disable: RuleIds = None,
    enable: RuleIds = None,
    config: Annotated[
        str | None, typer.Option(help="Config file (default ./.netfence.yaml).")
    ] = None,
    roles: Annotated[
        str | None, typer.Option(help="YAML mapping: namespace or ns/name -> role.")
    ] = None,
    blueprint: Annotated[
        str | None, typer.Option(help="Blueprint: roles, DNS, CIDRs, stand-in workloads.")
    ] = None,
    dns_ip: Annotated[list[str] | None, typer.Option(help="NodeLocal DNSCache address.")] = None,
    pod_cidr: Annotated[
        list[str] | None,
        typer.Option(
            help="Pod CIDR (repeatable): where endpoints without an IP have their address "
            "(default: the input's Nodes' spec.podCIDRs, else 10.244.0.0/16)."
        ),
    ] = None,
    service_cidr: Annotated[
        list[str] | None, typer.Option(help="Service CIDR (default 10.96.0.0/12).")
    ] = None,
    ipblock_pods: Annotated[
        Reading | None, typer.Option(help="Whether ipBlocks match pod IPs (CNI-dependent).")
    ] = None,
    resolve: ResolveOpt = None,
    hints: Annotated[bool, typer.Option(help="Show fix hints in text output.")] = True,
    namespace: NamespaceOpt = None,
    max_bytes: MaxBytesOpt = Limits().max_bytes,
    validate_mode: ValidateOpt = ValidateMode.connectivity,
    exclude: ExcludeOpt = None,
    strict_files: StrictFilesOpt = False,
    verbose: VerboseOpt = False,
    cluster: ClusterOpt = False,
    kubeconfig: KubeconfigOpt = None,
    context: ContextOpt = None,
) -> None:
    settings, file_roles, facts = _settings(config, roles, blueprint)
    options = _options(
        settings,
        facts,
        (disable or [], enable or []),
        dns_ip or [],
        (pod_cidr or [], service_cidr or []),
        ipblock_pods,
        resolve,
    )
    read_options = input_options(namespace, max_bytes, validate_mode, exclude, strict_files)
    phase = Phases(verbose)
    with phase("load"):
        inputs = read_paths_or_cluster(paths, read_options, cluster, kubeconfig, context)
    print_notes(inputs.notes, verbose)
    print_notices(inputs)
    print_problems(inputs.warnings)
    blocking = [p for p in inputs.errors if not removed_api(p)]
    if blocking:
        print_problems(blocking)
        raise typer.Exit(EXIT_FINDINGS)
    if not any(removed_api(p) for p in inputs.errors):  # a removed apiVersion is a finding
        require_something(inputs.cluster, inputs.label)
    with phase("engine"), _progress(verbose) as progress:
        report = lint_inputs(
            inputs,
            roles=merge_roles(inputs.roles or {}, file_roles),
            options=options,
            stand_ins=facts.stand_ins if facts else (),
            progress=progress,
        )
    with phase("render", writes=True):
        _write(report, output, hints)
    threshold = fail_on.value if fail_on else settings.fail_on or "error"
    raise typer.Exit(EXIT_FINDINGS if _reaches(report, threshold) else EXIT_OK)
