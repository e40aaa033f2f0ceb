"""validate.py SCHEMA DOC [draft4|2020]: exit 0 if DOC is valid, else print
every error (path: message) and exit 1.  Run with /usr/bin/python3 (Debian's
python3-jsonschema)."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1], encoding="utf-8"))
doc = json.load(open(sys.argv[2], encoding="utf-8"))
draft = sys.argv[3] if len(sys.argv) > 3 else "2020"
cls = jsonschema.Draft4Validator if draft == "draft4" else jsonschema.Draft202012Validator
cls.check_schema(schema)
errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path))
for e in errors:
    print("/".join(str(p) for p in e.path) + ": " + e.message)
sys.exit(1 if errors else 0)
