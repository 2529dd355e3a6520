"""The blueprint's JSON Schema (for editors: ``# yaml-language-server: $schema=...``), made from
the pydantic model, with the custom field types (ports, CIDRs, addresses) spelled out."""

from __future__ import annotations

from typing import Any

from netfence.blueprint.schema import Blueprint

SCHEMA_FILE = "blueprint.schema.json"
SCHEMA_LINE = f"# yaml-language-server: $schema={SCHEMA_FILE}"

PORT: dict[str, Any] = {
    "description": "A port, a range and an optional protocol: 8000, 53/UDP, 9000-9010/TCP",
    "type": ["integer", "string"],
    "pattern": r"^[0-9]+(-[0-9]+)?(/(TCP|UDP|SCTP|tcp|udp|sctp))?$",
    "minimum": 1,
    "maximum": 65535,
}
CIDR = {"description": "An IPv4 or IPv6 CIDR, e.g. 10.0.0.0/8 or 2001:db8::/32", "type": "string"}
ADDRESS = {"description": "An IPv4 or IPv6 address or CIDR", "type": "string"}
# Fields whose type pydantic leaves open, by name.
OPEN_FIELDS: dict[str, dict[str, Any]] = {
    "ports": PORT,
    "cidrs": CIDR,
    "except": CIDR,
    "podCIDRs": CIDR,
    "serviceCIDRs": CIDR,
    "addresses": ADDRESS,
    "nodeLocalDNS": ADDRESS,
}


def blueprint_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``kind: Blueprint``."""
    schema = Blueprint.model_json_schema(by_alias=True)
    for definition in [schema, *schema.get("$defs", {}).values()]:
        for name, prop in definition.get("properties", {}).items():
            _fill(prop, OPEN_FIELDS.get(name))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "netfence Blueprint",
        **schema,
    }


def _fill(prop: dict[str, Any], shape: dict[str, Any] | None) -> None:
    """Give an open list item (``{}``) or an open value the shape of its field."""
    if shape is None:
        return
    if prop.get("type") == "array" and prop.get("items") == {}:
        prop["items"] = shape
    for option in prop.get("anyOf", []):
        if option == {}:
            option.update(shape)
