"""The public library: every command is a thin shell over one of these functions.

Inputs go through one front door (``load``: manifest paths, ``-``, ``builtin:NAME``, a
blueprint file, or a live cluster's reader); options are objects; bad input raises one
exception type, ``InputError``, whose ``problems`` name file, line and field.
"""

from __future__ import annotations

from collections.abc import Sequence

from netfence.blueprint import Blueprint, Plan, builtin, load_blueprint, make_plan
from netfence.diff import DiffResult, compare
from netfence.diff.grouped import Choice
from netfence.diff.sides import EndpointChoice, pair_sides, side_of
from netfence.engine import Engine, EngineOptions, Verdict
from netfence.engine.analysis import Analysis, Query, served_queries
from netfence.engine.analysis import analyze as analyze_engine
from netfence.inputs import InputOptions, Inputs, LiveCluster, resolve
from netfence.lint import LintOptions, LintReport, lint_inputs
from netfence.model import PROTOCOLS, Cluster
from netfence.problems import InputError, Problem, Source


def load(
    specs: str | Sequence[str],
    options: InputOptions | None = None,
    *,
    live: LiveCluster | None = None,
) -> Inputs:
    """The validated model of input specs (or of what ``live`` reads from a cluster);
    raises InputError listing every error."""
    specs = [specs] if isinstance(specs, str) else list(specs)
    return resolve(specs, options, live=live).require_valid()


def _cluster(inputs: Inputs | Cluster) -> Cluster:
    return inputs.cluster if isinstance(inputs, Inputs) else inputs


def analyze(
    inputs: Inputs | Cluster,
    queries: Sequence[Query] | None = None,
    options: EngineOptions | None = None,
) -> Analysis:
    """Who can reach whom: one matrix per (port, protocol), every served port by default."""
    cluster = _cluster(inputs)
    engine = Engine(cluster, options)
    return analyze_engine(engine, queries or served_queries(cluster.endpoints))


def explain(
    inputs: Inputs | Cluster,
    src: str,
    dst: str,
    port: int | str,
    protocol: str = "TCP",
    options: EngineOptions | None = None,
) -> Verdict:
    """Whether ``src`` may reach ``dst`` (``ns/name``, an external id or an IP) on a port,
    with the policies and rules that decided it."""
    engine = Engine(_cluster(inputs), options)
    for ident in (src, dst):
        if engine.find(ident) is None:
            raise _bad_argument(f"unknown endpoint {ident!r}")
    chosen = next((p for p in PROTOCOLS if p == protocol), None)
    if chosen is None:
        raise _bad_argument(f"unknown protocol {protocol!r} (TCP, UDP or SCTP)")
    return engine.verdict(src, dst, port, chosen)


def _bad_argument(message: str) -> InputError:
    return InputError([Problem(Source("<argument>", 0, 0), message)])


def lint(inputs: Inputs, options: LintOptions | None = None) -> LintReport:
    """The findings of every enabled rule (roles from a blueprint input are used)."""
    return lint_inputs(inputs, roles=inputs.roles, options=options)


def diff(
    old: Inputs,
    new: Inputs,
    options: EngineOptions | None = None,
    endpoints: EndpointChoice = EndpointChoice.own,
    group: Choice = "pod",
) -> DiffResult:
    """Exactly what connectivity changes from ``old`` to ``new`` (a side without real
    workloads is evaluated on the other side's, as ``netfence diff`` does), per pod pair or
    per pair of workloads or namespaces (``group``, as ``netfence diff --group``)."""
    before, after = pair_sides(side_of(old), side_of(new), endpoints)
    return compare(
        before.cluster,
        after.cluster,
        old_label=before.label,
        new_label=after.label,
        options=options,
        group=group,
    )


def plan(blueprint: Blueprint | str | None = None, existing: Inputs | None = None) -> Plan:
    """Generate a blueprint's policies and prove them (on ``existing``'s workloads, or on
    stand-ins); ``blueprint`` is a Blueprint, a file, ``builtin:NAME``, or None (ai-mesh)."""
    if blueprint is None or isinstance(blueprint, str):
        name = (blueprint or "builtin:ai-mesh").removeprefix("builtin:")
        is_builtin = blueprint is None or blueprint.startswith("builtin:")
        blueprint = builtin(name) if is_builtin else load_blueprint(blueprint or "")
    return make_plan(blueprint, existing.cluster if existing is not None else None)
