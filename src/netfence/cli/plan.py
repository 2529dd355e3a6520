"""``netfence plan``, ``generate`` and ``init``: blueprint -> proven NetworkPolicies."""

from __future__ import annotations

import json
import os
from enum import StrEnum
from typing import Annotated, NoReturn

import typer

from netfence.blueprint.builtins import DEFAULT_TEMPLATE, builtin, template_text
from netfence.blueprint.generate import generate
from netfence.blueprint.guardrails import TierDialect
from netfence.blueprint.jsonschema import SCHEMA_FILE, SCHEMA_LINE
from netfence.blueprint.loading import load_blueprint
from netfence.blueprint.output import OutputError, OutputExistsError, write_file, write_folder
from netfence.blueprint.plan import DEFAULT_OUTPUT, make_plan, unmatched
from netfence.blueprint.render import label_commands
from netfence.blueprint.schema import Blueprint
from netfence.cli.common import (
    EXIT_ENVIRONMENT,
    EXIT_FINDINGS,
    EXIT_USAGE,
    ContextOpt,
    KubeconfigOpt,
    OutputFormat,
    ValidateMode,
    err,
    fail,
    input_options,
    out,
    print_problems,
)
from netfence.cli.front import load_or_exit
from netfence.load import Limits
from netfence.problems import InputError
from netfence.report.plan_json import plan_json
from netfence.report.plan_text import render_plan_text

STREAM = "-"


class Template(StrEnum):
    ai_mesh = "ai-mesh"
    guide = "guide"


BlueprintArg = Annotated[
    str | None,
    typer.Argument(help="Blueprint file, '-' for stdin (default: the built-in ai-mesh)."),
]
TemplateOpt = Annotated[
    Template | None,
    typer.Option("--template", "-t", help="Use a built-in blueprint instead of a file."),
]
OutputDirOpt = Annotated[
    str,
    typer.Option(
        "--output",
        "-o",
        help="Folder for the manifests (replaced as a whole), or '-' for one YAML stream.",
    ),
]


class Tiers(StrEnum):
    v1alpha1 = "v1alpha1"
    v1alpha2 = "v1alpha2"
    none = "none"


TiersOpt = Annotated[
    Tiers,
    typer.Option(
        "--tiers",
        help="Write the blueprint's guardrails as AdminNetworkPolicy/BaselineAdminNetworkPolicy "
        "(v1alpha1) or ClusterNetworkPolicy (v1alpha2); none: no guardrails.",
    ),
]


class Dialect(StrEnum):
    kubernetes = "kubernetes"
    calico = "calico"
    cilium = "cilium"


DialectOpt = Annotated[
    Dialect,
    typer.Option(
        "--dialect",
        help="kubernetes: NetworkPolicies, guardrails as --tiers says; calico: guardrails as "
        "Calico Tiers and GlobalNetworkPolicies (Calico 3.30+); cilium: flows to externals "
        "with fqdns as CiliumNetworkPolicy toFQDNs rules.",
    ),
]


def _tier_dialect(tiers: Tiers, dialect: Dialect) -> TierDialect:
    """How the guardrails are written; --dialect calico writes its own tiers."""
    if dialect is not Dialect.calico:
        return tiers.value
    if tiers is not Tiers.none:
        fail(
            f"--dialect calico writes the guardrails as Calico tiers: drop --tiers {tiers.value}",
            EXIT_USAGE,
        )
    return "calico"


PLAN_HELP = f"""Write zero-trust NetworkPolicies for an AI stack and prove them.

Generates namespace labels and policies from the blueprint, validates them as the API server
would, analyses them on stand-in pods for the blueprint's workloads (or on your manifests with
--cluster-manifests), and proves that exactly the intended flows plus DNS are allowed: every
other pair, port and protocol is denied, under both readings of ipBlocks on pod addresses.
Writes the manifests (to ./{DEFAULT_OUTPUT}/ by default) only when the proof holds.

Exit 0 when the proof holds, 1 with the offending connections otherwise.

Examples:

  netfence plan

  netfence plan blueprint.yaml -o policies/ && kubectl apply -k policies/

  netfence plan --cluster-manifests snapshot/ -o - | kubectl apply -f -
"""


def register(app: typer.Typer) -> None:
    app.command("plan", help=PLAN_HELP)(plan)
    app.command("generate", help="Write the manifests of a blueprint, without the proof.")(
        generate_command
    )
    app.command("init", help="Write an editable copy of a built-in blueprint.")(init)


def _blueprint(
    path: str | None, template: Template | None, dialect: Dialect = Dialect.kubernetes
) -> tuple[Blueprint, str]:
    """The blueprint to use, checked for ``dialect``, and how to name it."""
    if path is not None and template is not None:
        fail("give a BLUEPRINT file or --template, not both", EXIT_USAGE)
    try:
        if path is not None:
            return load_blueprint(path, dialect=dialect.value), path
        name = (template or Template(DEFAULT_TEMPLATE)).value
        return builtin(name, dialect.value), f"built-in template {name}"
    except InputError as error:
        print_problems(error.problems)
        raise typer.Exit(EXIT_FINDINGS) from None


def _write(files: dict[str, str], stream: str, output: str) -> None:
    try:
        if output == STREAM:
            out.file.write(stream)
        else:
            write_folder(files, output)
    except OutputError as error:
        _output_failed(error)


def _output_failed(error: OutputError) -> NoReturn:
    """An output that exists is the user's to choose (exit 2); a failed write is the
    machine's (exit 3)."""
    fail(str(error), EXIT_USAGE if isinstance(error, OutputExistsError) else EXIT_ENVIRONMENT)


def plan(
    blueprint: BlueprintArg = None,
    template: TemplateOpt = None,
    output: OutputDirOpt = DEFAULT_OUTPUT,
    cluster_manifests: Annotated[
        list[str] | None,
        typer.Option(
            "--cluster-manifests",
            help="Prove on the Namespaces and Pods/workloads in this file or folder "
            "instead of stand-ins (repeatable).",
        ),
    ] = None,
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f"),
    cluster: Annotated[
        bool,
        typer.Option("--cluster", help="Prove on the live cluster's namespaces and pods."),
    ] = False,
    kubeconfig: KubeconfigOpt = None,
    context: ContextOpt = None,
    tiers: TiersOpt = Tiers.none,
    dialect: DialectOpt = Dialect.kubernetes,
) -> None:
    tier_dialect = _tier_dialect(tiers, dialect)
    if output == STREAM and output_format is OutputFormat.json:
        fail("--format json and -o - both write to stdout: choose one", EXIT_USAGE)
    if cluster and cluster_manifests:
        fail("--cluster and --cluster-manifests: choose one", EXIT_USAGE)
    bp, origin = _blueprint(blueprint, template, dialect)
    existing = None
    if cluster_manifests or cluster:
        options = input_options(None, Limits().max_bytes, ValidateMode.connectivity)
        existing = load_or_exit(
            cluster_manifests, options, False, cluster, kubeconfig, context
        ).cluster
        if bp.workloads and len(unmatched(bp, existing)) == len(bp.workloads):
            where = "the live cluster" if cluster else ", ".join(cluster_manifests or [])
            fail(f"no pod in {where} is a workload of the blueprint: nothing to prove")
    where = output if output != STREAM else "<stream>"
    result = make_plan(bp, existing, where, tier_dialect, dialect.value)
    if result.holds:
        _write(result.generated.files(), result.generated.stream(), output)
    if output_format is OutputFormat.json:
        out.print_json(json.dumps(plan_json(result, output if result.holds else None)))
    else:
        if not render_plan_text(result, origin, err if output == STREAM else out):
            print_problems(result.problems)
    if not result.holds:
        raise typer.Exit(EXIT_FINDINGS)
    if output_format is OutputFormat.text and output != STREAM:
        folder = os.path.normpath(output)
        out.print(
            f"Wrote {len(result.generated.files())} files to {folder}/ (policies: kubectl "
            f"apply -k {folder}/; kubectl delete -k {folder}/ removes them and nothing else)",
            markup=False,
        )
        commands = label_commands(result.generated.items)
        if commands:
            out.print(
                "Namespace labels (netfence apply sets them; or run):\n  " + "\n  ".join(commands),
                markup=False,
            )


def generate_command(
    blueprint: BlueprintArg = None,
    template: TemplateOpt = None,
    output: OutputDirOpt = DEFAULT_OUTPUT,
    tiers: TiersOpt = Tiers.none,
    dialect: DialectOpt = Dialect.kubernetes,
) -> None:
    tier_dialect = _tier_dialect(tiers, dialect)
    bp, _ = _blueprint(blueprint, template, dialect)
    generated = generate(bp, tier_dialect, dialect.value)
    _write(generated.files(), generated.stream(), output)
    if output != STREAM:
        out.print(f"Wrote {len(generated.files())} files to {os.path.normpath(output)}/")


def init(
    template: Annotated[
        Template, typer.Option("--template", "-t", help="The built-in blueprint to copy.")
    ] = Template.ai_mesh,
    output: Annotated[
        str, typer.Option("--output", "-o", help="File to write, or '-' for stdout.")
    ] = "blueprint.yaml",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    text = f"{SCHEMA_LINE}\n{template_text(template.value)}"
    if output == STREAM:
        out.file.write(text)
        return
    try:
        write_file(text, output, force)
    except OutputError as error:
        _output_failed(error)
    out.print(f"Wrote {output}: edit it, then run: netfence plan {output}")
    out.print(
        f"Editor completion: netfence schema blueprint > "
        f"{os.path.join(os.path.dirname(output), SCHEMA_FILE)}",
        markup=False,
    )
