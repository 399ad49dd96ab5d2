# SPDX-License-Identifier: MIT
"""The JSON report schema (libucpolicy/report/schema/report-v1.schema.json) as a validator.

The report schema refers to the connection object's schema (connection-v1.schema.json, next to
it) by its $id; this registers that file so that the reference resolves locally, with the
`referencing` registry where python3-jsonschema has it (4.18 and later) and its RefResolver
otherwise (Debian 12's 4.10). Both files are checked against the draft 2020-12 meta-schema.
"""
import json
import os

import jsonschema


def load(schema_path):
    """(report schema, connection schema) as parsed JSON, both checked as draft 2020-12."""
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    with open(os.path.join(os.path.dirname(schema_path), "connection-v1.schema.json"), encoding="utf-8") as f:
        connection = json.load(f)
    for s in (schema, connection):
        jsonschema.Draft202012Validator.check_schema(s)
    return schema, connection


def validator(schema_path):
    """A Draft202012Validator of the report schema with the connection schema resolvable."""
    schema, connection = load(schema_path)
    try:
        from referencing import Registry, Resource
    except ImportError:
        resolver = jsonschema.RefResolver.from_schema(schema, store={connection["$id"]: connection})
        return jsonschema.Draft202012Validator(schema, resolver=resolver)
    registry = Registry().with_resources(
        [(s["$id"], Resource.from_contents(s)) for s in (schema, connection)])
    return jsonschema.Draft202012Validator(schema, registry=registry)
