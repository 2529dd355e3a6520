"""``.netfence.yaml``: lint settings a repository keeps next to its manifests.

```yaml
lint:
  disable: [return-traffic-rule]   # rule ids, or "all"
  enable: [dns-tcp-blocked]        # applied after disable
  fail-on: warning                 # error | warning | info | never
  dns-ip: 169.254.20.10            # NodeLocal DNSCache (one address or a list)
  pod-cidr: 10.244.0.0/16          # one CIDR or a list
  service-cidr: 10.96.0.0/12
  ipblock-pods: match              # match | ignore
```
"""

from __future__ import annotations

import difflib
import ipaddress
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from netfence.lint.options import ALL_RULES
from netfence.lint.yamlfile import problem_at, read_mapping_file
from netfence.model import IPAddress, IPNetwork

CONFIG_FILE = ".netfence.yaml"
FAIL_ON = ("error", "warning", "info", "never")


class UnknownRuleError(ValueError):
    """A rule id that is not in the catalogue."""

    def __init__(self, rule_id: str) -> None:
        close = difflib.get_close_matches(rule_id, sorted(ALL_RULES), n=3)
        suggestion = f" (did you mean {', '.join(close)}?)" if close else ""
        super().__init__(f"unknown lint rule {rule_id!r}{suggestion}")


@dataclass(frozen=True)
class LintConfig:
    """Settings read from a config file; None or empty means "not set"."""

    disable: tuple[str, ...] = ()
    enable: tuple[str, ...] = ()
    fail_on: str | None = None
    dns_ip: tuple[IPAddress, ...] = ()
    pod_cidr: tuple[IPNetwork, ...] = ()
    service_cidr: tuple[IPNetwork, ...] = ()
    ipblock_pods: str | None = None


def switch_rules(
    enabled: frozenset[str], disable: Iterable[str], enable: Iterable[str]
) -> frozenset[str]:
    """``enabled`` minus ``disable`` plus ``enable`` (``all`` stands for every rule)."""
    result = set(enabled)
    for rule_id in disable:
        result -= set(_expand(rule_id))
    for rule_id in enable:
        result |= set(_expand(rule_id))
    return frozenset(result)


def _expand(rule_id: str) -> frozenset[str]:
    if rule_id == "all":
        return ALL_RULES
    if rule_id not in ALL_RULES:
        raise UnknownRuleError(rule_id)
    return frozenset({rule_id})


def find_config(explicit: str | None, cwd: str = ".") -> str | None:
    """The config file to read: ``explicit``, else ``.netfence.yaml`` in ``cwd`` if present."""
    if explicit is not None:
        return explicit
    candidate = os.path.join(cwd, CONFIG_FILE)
    return candidate if os.path.isfile(candidate) else None


def load_config(path: str) -> LintConfig:
    """The ``lint:`` section of a config file (InputError naming the line when invalid)."""
    doc = read_mapping_file(path)
    for key in doc.data:
        if key not in ("lint", "exclude"):  # exclude: is read with the inputs (load.project)
            raise problem_at(doc, str(key), "unknown section (expected lint or exclude)")
    section = doc.data.get("lint", {})
    if not isinstance(section, dict):
        raise problem_at(doc, "lint", "must be a mapping")
    lint_doc = doc.item(("lint",), section) if "lint" in doc.data else doc
    values: dict[str, Any] = {}
    for key, value in section.items():
        parse = _PARSERS.get(str(key))
        if parse is None:
            raise problem_at(
                lint_doc, str(key), f"unknown key (expected one of {', '.join(_PARSERS)})"
            )
        try:
            values[str(key).replace("-", "_")] = parse(value)
        except ValueError as exc:
            raise problem_at(lint_doc, str(key), str(exc)) from exc
    return LintConfig(**values)


def _rule_ids(value: Any) -> tuple[str, ...]:
    ids = _strings(value)
    switch_rules(ALL_RULES, ids, ())
    return ids


def _ips(value: Any) -> tuple[IPAddress, ...]:
    return tuple(ipaddress.ip_address(text) for text in _strings(value))


def _networks(value: Any) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(text) for text in _strings(value))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = _as_list(value)
    if not all(isinstance(v, str) for v in items):
        raise ValueError(f"expected a string or a list of strings, got {value!r}")
    return tuple(items)


def _choice(choices: Sequence[str]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value not in choices:
            raise ValueError(f"{value!r} is not one of {', '.join(choices)}")
        return str(value)

    return parse


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "disable": _rule_ids,
    "enable": _rule_ids,
    "fail-on": _choice(FAIL_ON),
    "dns-ip": _ips,
    "pod-cidr": _networks,
    "service-cidr": _networks,
    "ipblock-pods": _choice(("match", "ignore")),
}
