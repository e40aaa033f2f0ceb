# SPDX-License-Identifier: Apache-2.0
"""validate_yaml.py SCHEMA FILE...: validate each YAML (or JSON) FILE against
the JSON Schema (2020-12) SCHEMA; print "FILE: path: message" for each error
and exit 1 if any.  Run with /usr/bin/python3 (python3-yaml, -jsonschema)."""
import json
import sys

import jsonschema
import yaml

schema = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sys.argv[2:]:
    doc = yaml.safe_load(open(path, encoding="utf-8"))
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
        print(path + ": /" + "/".join(str(p) for p in e.path) + ": " + e.message)
        bad += 1
sys.exit(1 if bad else 0)
