"""``netfence lab``: prove a policy set on a real Linux data plane (namespaces + nftables)."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Iterator, Sequence
from enum import StrEnum
from typing import Annotated

import typer

from netfence.blueprint.builtins import DEFAULT_TEMPLATE
from netfence.cli.common import (
    EXIT_ENVIRONMENT,
    EXIT_FINDINGS,
    EXIT_USAGE,
    MaxBytesOpt,
    NamespaceOpt,
    OutputFormat,
    ProtocolChoice,
    Reading,
    ReadingOpt,
    ValidateMode,
    ValidateOpt,
    VerboseOpt,
    err,
    fail,
    input_options,
    out,
    parse_port,
)
from netfence.cli.front import load_or_exit
from netfence.inputs import BUILTIN_PREFIX
from netfence.lab import netns, state
from netfence.lab.compare import compare_run, verify_queries
from netfence.lab.runs import LabOptions, lab_engine, probe_cluster
from netfence.load import Limits
from netfence.model import PROTOCOLS, Cluster, Protocol
from netfence.report.comparison_text import print_comparisons
from netfence.report.lab_json import runs_json
from netfence.report.lab_text import print_guide_steps, print_nodes, print_run

lab_app = typer.Typer(
    help="Prove a policy set on a real Linux data plane: namespaces, nftables, real probes.",
    no_args_is_help=True,
)


OptionalPaths = Annotated[
    list[str] | None,
    typer.Argument(help="Manifest files or folders (searched recursively); '-' reads stdin."),
]
BlueprintOpt = Annotated[
    str | None,
    typer.Option("--blueprint", help="Build the lab from a blueprint file instead of manifests."),
]
TimeoutOpt = Annotated[
    float, typer.Option("--timeout", min=0.05, help="Seconds a probe waits for an answer.")
]


class LabDialect(StrEnum):
    kubernetes = "kubernetes"
    cilium = "cilium"


DialectOpt = Annotated[
    LabDialect,
    typer.Option(
        "--dialect",
        help="The policies a blueprint is generated in (as plan --dialect): cilium writes "
        "flows to named externals as toFQDNs rules, which the lab resolves by name.",
    ),
]
ExternalsOpt = Annotated[
    bool,
    typer.Option(
        "--externals/--no-externals",
        help="Include external IP ranges (a namespace each; probed by probe/verify).",
    ),
]


def _require_environment(*tools: str) -> None:
    missing = netns.missing_requirements(tools)
    if missing:
        fail(f"the lab needs {', '.join(missing)} (missing here)", EXIT_ENVIRONMENT)


@contextlib.contextmanager
def _lab_errors() -> Iterator[None]:
    """A failed lab operation becomes one line and exit 3."""
    try:
        yield
    except netns.LabError as exc:
        fail(str(exc), EXIT_ENVIRONMENT)


def _protocol(choice: ProtocolChoice) -> Protocol:
    return next(p for p in PROTOCOLS if p == choice.value)


def _port(text: str) -> int | str:
    try:
        return parse_port(text)
    except ValueError as exc:
        fail(f"--port: {exc}", EXIT_USAGE)


def _cluster(
    paths: Sequence[str] | None,
    blueprint: str | None,
    namespace: Sequence[str] | None,
    max_bytes: int,
    validate: ValidateMode,
    verbose: bool,
    dialect: LabDialect = LabDialect.kubernetes,
) -> Cluster:
    if paths and blueprint:
        fail("give manifest paths or --blueprint, not both", EXIT_USAGE)
    if paths and dialect is not LabDialect.kubernetes:
        fail(
            "--dialect applies to a blueprint (--blueprint or the built-in), not to manifests",
            EXIT_USAGE,
        )
    specs = paths or [blueprint or BUILTIN_PREFIX + DEFAULT_TEMPLATE]
    options = input_options(namespace, max_bytes, validate)
    options = dataclasses.replace(options, dialect=dialect.value)
    return load_or_exit(specs, options, verbose).cluster


@lab_app.command("probe")
def probe_command(
    paths: OptionalPaths = None,
    blueprint: BlueprintOpt = None,
    dialect: DialectOpt = LabDialect.kubernetes,
    port: Annotated[str, typer.Option("--port", "-p", help="Port number or name.")] = "80",
    protocol: Annotated[
        ProtocolChoice, typer.Option("--protocol", case_sensitive=False)
    ] = ProtocolChoice.TCP,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.text,
    ipblock_pods: ReadingOpt = Reading.match,
    timeout: TimeoutOpt = 1.0,
    externals: ExternalsOpt = True,
    namespace: NamespaceOpt = None,
    max_bytes: MaxBytesOpt = Limits().max_bytes,
    validate: ValidateOpt = ValidateMode.strict,
    verbose: VerboseOpt = False,
) -> None:
    """Build a lab, probe every ordered pair on one port, tear it down; print the matrix.

    Examples (root: run the venv's binary, e.g. sudo .venv/bin/netfence):

      sudo .venv/bin/netfence lab probe tests/lab/fixtures/xyz --port 80 --protocol tcp

      sudo .venv/bin/netfence lab probe --blueprint blueprint.yaml -p 8000 -f json
    """
    query = (_port(port), _protocol(protocol))
    cluster = _cluster(paths, blueprint, namespace, max_bytes, validate, verbose, dialect)
    _require_environment()
    options = LabOptions(ipblock_pods=ipblock_pods.value, timeout=timeout, externals=externals)
    with _lab_errors():
        runs = probe_cluster(cluster, [query], options)
    if output_format == OutputFormat.json:
        out.print(json.dumps(runs_json(runs, ipblock_pods.value), indent=2), markup=False)
    else:
        print_run(runs[0], out)


@lab_app.command("verify")
def verify_command(
    paths: OptionalPaths = None,
    blueprint: BlueprintOpt = None,
    dialect: DialectOpt = LabDialect.kubernetes,
    port: Annotated[
        str | None, typer.Option("--port", "-p", help="Only this port (default: every port).")
    ] = None,
    protocol: Annotated[
        ProtocolChoice, typer.Option("--protocol", case_sensitive=False)
    ] = ProtocolChoice.TCP,
    ipblock_pods: ReadingOpt = Reading.match,
    timeout: TimeoutOpt = 1.0,
    externals: ExternalsOpt = True,
    namespace: NamespaceOpt = None,
    max_bytes: MaxBytesOpt = Limits().max_bytes,
    validate: ValidateOpt = ValidateMode.strict,
    verbose: VerboseOpt = False,
) -> None:
    """Compare the lab with the engine cell by cell; exit 1 on any difference.

    Examples:

      sudo .venv/bin/netfence lab verify                      # the built-in ai-mesh blueprint

      sudo .venv/bin/netfence lab verify examples/guide-literal --port 8000
    """
    cluster = _cluster(paths, blueprint, namespace, max_bytes, validate, verbose, dialect)
    _require_environment()
    queries = [(_port(port), _protocol(protocol))] if port is not None else verify_queries(cluster)
    options = LabOptions(ipblock_pods=ipblock_pods.value, timeout=timeout, externals=externals)
    with _lab_errors():
        runs = probe_cluster(cluster, queries, options)
    engine = lab_engine(runs[0].cluster, options)
    comparisons = [compare_run(engine, run) for run in runs]
    print_comparisons(comparisons, "lab", out)
    differing = sum(len(c.differences) for c in comparisons)
    if differing:
        fail(f"{differing} cell(s) differ between engine and lab", EXIT_FINDINGS)
    out.print(f"no difference: {sum(c.agreed for c in comparisons)} cells agree")


@lab_app.command("up")
def up_command(
    paths: OptionalPaths = None,
    blueprint: BlueprintOpt = None,
    dialect: DialectOpt = LabDialect.kubernetes,
    ipblock_pods: ReadingOpt = Reading.match,
    externals: ExternalsOpt = True,
    namespace: NamespaceOpt = None,
    max_bytes: MaxBytesOpt = Limits().max_bytes,
    validate: ValidateOpt = ValidateMode.strict,
    verbose: VerboseOpt = False,
) -> None:
    """Build a lab and leave it running (DNS, servers); print its id.

    Example:

      ID=$(sudo .venv/bin/netfence lab up examples/guide-literal)

      sudo ip netns exec nf-$ID-e0 wget -qO- http://vllm.ai-inference.svc.cluster.local:8000/

      sudo .venv/bin/netfence lab down $ID
    """
    from netfence.lab.up import bring_up

    cluster = _cluster(paths, blueprint, namespace, max_bytes, validate, verbose, dialect)
    _require_environment("dnsmasq")
    with _lab_errors():
        lab = bring_up(cluster, LabOptions(ipblock_pods=ipblock_pods.value, externals=externals))
    print_nodes(lab.topology, err)
    out.print(lab.lab_id, markup=False)


@lab_app.command("guide")
def guide_command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="The guide's literal manifests (default: the copy netfence ships)."),
    ] = None,
    namespace: NamespaceOpt = None,
    max_bytes: MaxBytesOpt = Limits().max_bytes,
    validate: ValidateOpt = ValidateMode.strict,
    verbose: VerboseOpt = False,
) -> None:
    """Run the guide's step 8 literally (wget from a test-pod) on a real data plane.

    Example:

      sudo .venv/bin/netfence lab guide
    """
    from netfence.lab.guide import guide_scenarios, run_scenario
    from netfence.lab.sources import GUIDE_LITERAL

    guide = _cluster(paths or [str(GUIDE_LITERAL)], None, namespace, max_bytes, validate, verbose)
    _require_environment("dnsmasq", "wget", "getent")
    failed = 0
    try:
        scenarios = guide_scenarios(guide)
    except LookupError as exc:
        fail(str(exc), EXIT_FINDINGS)
    for scenario in scenarios:
        out.print(f"\n[bold]{scenario.title}[/bold]")
        with _lab_errors():
            results = run_scenario(scenario)
        print_guide_steps(results, out)
        failed += sum(not result.passed for result in results)
    if failed:
        fail(f"{failed} step(s) did not behave as the guide says", EXIT_FINDINGS)


@lab_app.command("rules")
def rules_command(
    endpoint: Annotated[str, typer.Argument(help="The endpoint, as namespace/name.")],
    paths: OptionalPaths = None,
    blueprint: BlueprintOpt = None,
    dialect: DialectOpt = LabDialect.kubernetes,
    lab_id: Annotated[
        str | None, typer.Option("--lab", help="Show the ruleset loaded in a running lab.")
    ] = None,
    ipblock_pods: ReadingOpt = Reading.match,
    namespace: NamespaceOpt = None,
    max_bytes: MaxBytesOpt = Limits().max_bytes,
    validate: ValidateOpt = ValidateMode.strict,
    verbose: VerboseOpt = False,
) -> None:
    """Print the nftables ruleset of an endpoint: compiled from manifests, or live (--lab).

    Examples (no root needed without --lab):

      netfence lab rules ai-agents/ai-agent-0 examples/guide-literal

      sudo .venv/bin/netfence lab rules ai-agents/ai-agent-0 --lab $ID
    """
    if lab_id is not None:
        _require_environment()
        out.print(_live_rules(lab_id, endpoint) or f"# {endpoint} has no ruleset", markup=False)
        return
    from netfence.lab.addresses import assigned_addresses, with_lab_addresses
    from netfence.lab.nft import compile_ruleset

    declared = _cluster(paths, blueprint, namespace, max_bytes, validate, verbose, dialect)
    cluster = with_lab_addresses(declared)
    found = cluster.endpoint(endpoint)
    if found is None:
        known = ", ".join(e.id for e in cluster.endpoints[:10])
        fail(f"no endpoint {endpoint!r} (known: {known})", EXIT_FINDINGS)
    unknown = assigned_addresses(declared, cluster)
    ruleset = compile_ruleset(cluster, found, ipblock_pods.value, unknown)
    out.print(ruleset or f"# {endpoint} is not isolated: no ruleset", markup=False)


def _live_rules(lab_id: str, endpoint: str) -> str:
    """``nft list ruleset`` inside the endpoint's namespace of a running lab."""
    found = state.load(lab_id)
    if found is None:
        fail(f"no lab {lab_id!r} (see: netfence lab ls)", EXIT_FINDINGS)
    namespace = found.nodes.get(endpoint)
    if namespace is None:
        fail(f"lab {lab_id} has no endpoint {endpoint!r}", EXIT_FINDINGS)
    return netns.run_in(namespace, ["nft", "list", "ruleset"]).strip()


@lab_app.command("ls")
def ls_command() -> None:
    """List labs on this machine.

    Example:

      sudo .venv/bin/netfence lab ls
    """
    _require_environment()
    ids = state.lab_ids()
    if not ids:
        out.print("no lab")
    for lab_id in ids:
        found = state.load(lab_id)
        purpose = found.purpose if found else "(no state file)"
        count = len(found.nodes) if found else 0
        out.print(f"{lab_id}  {purpose}  {count} endpoints", markup=False)


@lab_app.command("down")
def down_command(
    lab_id: Annotated[str | None, typer.Argument(help="The lab to remove.")] = None,
    all_labs: Annotated[bool, typer.Option("--all", help="Remove every netfence lab.")] = False,
) -> None:
    """Remove a lab (or every lab): its processes, namespaces and state.

    Examples:

      sudo .venv/bin/netfence lab down 3f9a1c

      sudo .venv/bin/netfence lab down --all          # only nf- namespaces
    """
    if (lab_id is None) == (not all_labs):
        fail("give a lab id or --all", EXIT_USAGE)
    _require_environment()
    ids = state.lab_ids() if all_labs else [lab_id or ""]
    if lab_id is not None and lab_id not in state.lab_ids():
        fail(f"no lab {lab_id!r}", EXIT_FINDINGS)
    for each in ids:
        with _lab_errors():
            removed = state.remove(each)
        out.print(f"removed lab {each} ({len(removed)} namespaces)", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(lab_app, name="lab")
