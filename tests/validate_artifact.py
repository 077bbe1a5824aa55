#!/usr/bin/python3
"""Validates a kiln artifact against one of dbt's JSON Schemas.

usage: validate_artifact.py SCHEMA.json ARTIFACT.json
Prints every violation with its JSON path and exits 1 when there is any.
"""
import json
import sys

import jsonschema


def main():
    schema_path, artifact_path = sys.argv[1], sys.argv[2]
    with open(schema_path) as f:
        schema = json.load(f)
    with open(artifact_path) as f:
        artifact = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    errors = sorted(validator.iter_errors(artifact), key=lambda e: list(e.absolute_path))
    for error in errors[:50]:
        path = "/".join(str(p) for p in error.absolute_path)
        print(f"{artifact_path}: /{path}: {error.message[:300]}")
    if errors:
        print(f"{len(errors)} schema violation(s)")
        return 1
    print(f"{artifact_path}: valid against {schema_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
