"""``docs/rules.md``, generated from the catalogue (``python -m netfence.lint.docs``)."""

from __future__ import annotations

import sys

from netfence.lint.catalogue import RULES, RuleInfo

HEADER = """\
# netfence lint rules

Generated from `src/netfence/lint/catalogue.py` by `python -m netfence.lint.docs > docs/rules.md`;
do not edit by hand.

`netfence lint PATH...` reads manifests (files, folders, `-` for stdin), asks the engine about
every connection that matters and reports findings with the file and line of the offending
object. Exit status 1 when a finding reaches `--fail-on` (default `error`).

| id | severity | what it finds |
|---|---|---|
"""

SETTINGS = """\
## Settings

Roles (`inference`, `agents`, `vector-db`, `data` (alias `model-storage`), `gateway`, ...) come
from the namespace labels `netfence.dev/role=` (as `netfence plan` sets it) or `purpose=` (as
the guide sets it), then from well-known workloads (`app: weaviate`, `qdrant`, `milvus` are
vector databases, `vllm`, `triton`, `ollama` inference, `minio` model storage; listed in a
note), then from `--blueprint`, then from a `--roles` file (a mapping of `namespace` or
`namespace/name` to role). Rules marked *needs roles* say so in a note when no role is known.

`.netfence.yaml` in the working directory (or `--config FILE`); options on the command line win:

```yaml
lint:
  disable: [return-traffic-rule]   # rule ids, or "all"
  enable: [dns-tcp-blocked]        # applied after disable
  fail-on: warning                 # error | warning | info | never
  dns-ip: 169.254.20.10            # NodeLocal DNSCache address(es)
  pod-cidr: 10.244.0.0/16          # default when unknown: 10.244.0.0/16 (said in the finding)
  service-cidr: 10.96.0.0/12       # default when unknown: 10.96.0.0/12
  ipblock-pods: match              # whether ipBlocks match pod IPs: match | ignore
```

Without workloads in the input (e.g. the output of `netfence plan -o DIR`), `--blueprint`
supplies stand-in pods for the blueprint's workloads. Without a kube-dns pod, a standard one
in kube-system is assumed (and a note says so).
"""


def rule_section(rule: RuleInfo) -> str:
    """One rule's section: severity, description, why, how to fix."""
    lines = [
        f"## {rule.id}",
        "",
        f"**{rule.severity}**{' - needs roles' if rule.needs_roles else ''}. {rule.description}",
        "",
        rule.explanation,
        "",
        f"Fix: {rule.hint}",
    ]
    if rule.snippet:
        lines += ["", "```yaml", rule.snippet.rstrip("\n"), "```"]
    return "\n".join(lines) + "\n"


def render_rules_markdown() -> str:
    """The whole page: a table of every rule, the settings, then one section per rule."""
    table = "".join(f"| [{r.id}](#{r.id}) | {r.severity} | {r.description} |\n" for r in RULES)
    sections = "\n".join(rule_section(rule) for rule in RULES)
    return f"{HEADER}{table}\n{SETTINGS}\n{sections}"


if __name__ == "__main__":
    sys.stdout.write(render_rules_markdown())
