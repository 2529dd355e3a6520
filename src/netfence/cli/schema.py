"""``netfence schema blueprint``: the blueprint's JSON Schema, for editors and CI."""

from __future__ import annotations

import json
from enum import StrEnum

import typer

from netfence.blueprint.jsonschema import SCHEMA_FILE, blueprint_json_schema
from netfence.cli.common import out

HELP = f"""Print the JSON Schema of a netfence file format.

Editors with the YAML language server complete and check a blueprint written by
'netfence init' once the schema sits next to it:

  netfence schema blueprint > {SCHEMA_FILE}
"""


class SchemaName(StrEnum):
    blueprint = "blueprint"


def register(app: typer.Typer) -> None:
    app.command("schema", help=HELP)(schema_command)


def schema_command(
    name: SchemaName = typer.Argument(..., metavar="FORMAT", help="The format: blueprint."),
) -> None:
    out.file.write(json.dumps(blueprint_json_schema(), indent=2) + "\n")
