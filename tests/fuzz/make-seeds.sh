#!/bin/sh
# tests/fuzz/make-seeds.sh: add the seeds missing from the corpora in
# tests/fuzz/corpus/: the repository's own inputs plus generated ones that
# reach deep: objects and mappings of 1, 16, 17, 40 and 5,000 members
# (with a duplicate at the far end too), lists of rows and entries up to
# 40, nesting just under and just over the readers' 512 levels, and
# templates whose $refs and ${...} use every form.  Commit the result.
#
# It only adds: a seed that exists is kept as it is, and nothing is
# removed.  The corpora also hold seeds this script does not make (inputs
# the fuzzers found, named by their SHA-1; seeds added by hand, such as
# the committed role bundles), and a seed copied from a repository file
# stays a good seed when that file changes (rewriting it would only churn
# the corpus).  To make one again, delete it and run this.  What it
# writes depends only on this script and the repository's files: the same
# names and bytes whatever the locale, umask or working directory; a
# second run changes nothing (tests/t_fuzz_seeds.sh).
set -eu
cd "$(dirname "$0")/../.."
LC_ALL=C
export LC_ALL
umask 022
c=tests/fuzz/corpus
mkdir -p "$c/fuzz_json" "$c/fuzz_yaml" "$c/fuzz_dotenv" "$c/fuzz_index" \
	"$c/fuzz_template" "$c/fuzz_config" "$c/fuzz_number"

# put DEST: stdin as the seed DEST, unless DEST is there already (a link
# too); written whole or not at all.
put() {
	if [ -e "$1" ] || [ -L "$1" ]; then
		cat >/dev/null
		return 0
	fi
	cat >"$1.tmp.$$"
	mv "$1.tmp.$$" "$1"
}
# seed FILE DEST: FILE's bytes as DEST (a path, or a directory to put it in).
seed() {
	case $2 in */) set -- "$1" "$2$(basename "$1")" ;; esac
	put "$2" <"$1"
}

# The repository's own inputs.
for f in manifests/tools/*.json manifests/index.json manifests/roles/viewer.responses.json; do
	seed "$f" "$c/fuzz_json/"
done
for f in tests/golden/build-errors/*/overlay/*.json; do
	seed "$f" "$c/fuzz_json/golden-$(basename "$(dirname "$(dirname "$f")")").json"
done
for f in registry.yaml toolsync.yaml schemas/templates/*.yaml schemas/templates/_defs/*.yaml; do
	seed "$f" "$c/fuzz_yaml/"
done
for f in tests/golden/build-errors/*/overlay/*.yaml tests/golden/build-errors/*/overlay/*/*.yaml \
	tests/golden/build-errors/*/overlay/*/*/*.yaml; do
	[ -f "$f" ] || continue
	seed "$f" "$c/fuzz_yaml/golden-$(echo "$f" | cut -d/ -f4)-$(basename "$f")"
done
for f in tests/golden/check-config/scenario/*.env examples/debug.env; do
	seed "$f" "$c/fuzz_dotenv/"
done
seed manifests/index.json "$c/fuzz_index/"
seed toolsync.yaml "$c/fuzz_config/"
for f in tests/golden/*/*/overlay/toolsync.yaml tests/golden/diff/scenario/*/toolsync.yaml; do
	[ -f "$f" ] || continue
	seed "$f" "$c/fuzz_config/golden-$(echo "$f" | cut -d/ -f4)-toolsync.yaml"
done
# The example templates, their $refs pointed at the target's fixed _defs.
for f in schemas/templates/*.yaml; do
	sed 's|_defs/[a-z]*\.yaml#/[A-Za-z]*|_defs/fixed.yaml#/Period|' "$f" |
		put "$c/fuzz_template/example-$(basename "$f")"
done

python3 - "$c" <<'EOF'
import json, os, sys
c = sys.argv[1]
WIDTHS = (1, 16, 17, 40, 5000)

def put(target, name, text):
    """The seed target/name, unless it is there already; written whole or not at all."""
    path = f"{c}/{target}/{name}"
    if os.path.lexists(path):
        return
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.rename(tmp, path)

for n in WIDTHS:
    keys = [f"k{i}" for i in range(n)]
    lists = n <= 40   # lists of rows and entries: the widths around 16, not 5,000
    # JSON objects, and the same with the first key again at the end
    put("fuzz_json", f"wide-{n}.json", json.dumps({k: i for i, k in enumerate(keys)}) + "\n")
    put("fuzz_json", f"wide-dup-{n}.json",
        "{" + ", ".join(f'"{k}": {i}' for i, k in enumerate(keys + ["k0"])) + "}\n")
    # YAML block and flow mappings, a list of rows
    put("fuzz_yaml", f"wide-{n}.yaml", "".join(f"{k}: {i}\n" for i, k in enumerate(keys)))
    put("fuzz_yaml", f"wide-dup-{n}.yaml", "".join(f"{k}: {i}\n" for i, k in enumerate(keys + ["k0"])))
    put("fuzz_yaml", f"wide-flow-{n}.yaml", "{" + ", ".join(f"{k}: {i}" for i, k in enumerate(keys)) + "}\n")
    if lists:
        put("fuzz_yaml", f"registry-{n}.yaml", "tool_registry:\n" + "".join(
            f"  - {{key: tool.k{i}, minRole: viewer, standards: [SOX-404]}}\n" for i in range(n)))
    # env files with many OPENAI_* names, and request tags
    put("fuzz_dotenv", f"wide-{n}.env", "".join(f"OPENAI_DEBUG_X{i}=true\n" for i in range(n)) +
        "OPENAI_REQUEST_TAGS=" + ",".join(f"t{i}:v{i}" for i in range(n)) + "\n")
    # an index of n entries
    files = [{"path": f"tools/k{i}.json", "size": i, "blake2b": "0" * 64, "jcs_blake2b": "1" * 64}
             for i in range(n)]
    if lists:
        put("fuzz_index", f"wide-{n}.json",
            json.dumps({"format": "toolsync.index/1", "files": files}, indent=2) + "\n")
    # a template with n properties, all required
    props = "".join(f"    p{i}: {{type: string, description: \"${{key}} p{i}\"}}\n" for i in range(n))
    put("fuzz_template", f"wide-{n}.yaml",
        "description: \"wide ${name}\"\nparameters:\n  type: object\n  properties:\n" + props +
        "  required: [" + ", ".join(f"p{i}" for i in range(n)) + "]\n  additionalProperties: false\n")
    # a configuration with n roles and standards, an accept file of n entries
    put("fuzz_config", f"wide-{n}.yaml",
        "registry: registry.yaml\nroles: [" + ", ".join(f"r{i}" for i in range(n)) + "]\n" +
        "standards: [" + ", ".join(f"S-{i}" for i in range(n)) + "]\n" +
        "debug: {required_tags: [" + ", ".join(f"t{i}" for i in range(n)) + "], retention_days: 30}\n")
    if lists:
        put("fuzz_config", f"accept-{n}.yaml", "accept:\n" + "".join(
            f"  - {{rule: param-removed, tool: tool.k{i}, pointer: /tool/parameters/properties/p{i}, "
            f"reason: \"reviewed {i}\"}}\n" for i in range(n)))

for d in (511, 513):
    put("fuzz_json", f"deep-array-{d}.json", "[" * d + "]" * d + "\n")
    put("fuzz_json", f"deep-object-{d}.json", '{"a":' * d + "1" + "}" * d + "\n")
    put("fuzz_yaml", f"deep-flow-{d}.yaml", "[" * d + "]" * d + "\n")
    put("fuzz_yaml", f"deep-block-{d}.yaml", "".join(" " * i + "a:\n" for i in range(d)))
    schema = {"type": "string"}
    for i in range(d // 2 - 1):   # two levels each: the object, its properties
        schema = {"type": "object", "properties": {"a": schema}}
    put("fuzz_template", f"deep-{d}.yaml",
        "description: deep\nparameters: " + json.dumps(schema, separators=(",", ":")) + "\n")
put("fuzz_yaml", "billion-laughs.yaml",
    "a: &a [x, x, x, x, x, x, x, x, x, x]\n" +
    "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n"
            for i in range(8)))
# the value budget (JV_VALUES_MAX): a list of 999 zeros, 998 aliases of
# it and 1,000 zeros is 1,000,001 values, the aliases within their own
# budget (one value fewer is read: check_jsonio.c; not a seed, a tree of a
# million values slows every run)
put("fuzz_yaml", "values-1000001.yaml",
    "- &a [" + ",".join(["0"] * 999) + "]\n" + "- *a\n" * 998 + "- 0\n" * 1000)

# templates: every $ref and ${...} form
refs = {
    "ref-object.yaml": 'description: "Ref ${key} for ${min_role}"\nparameters:\n  type: object\n'
        '  properties:\n    period: {$ref: "_defs/fixed.yaml#/Period"}\n'
        '    nested: {$ref: "_defs/fixed.yaml#/Nested", description: "sibling"}\n'
        '    money: {$ref: "_defs/fixed.yaml#/Money"}\n'
        '  required: [period, nested, money]\n  additionalProperties: false\n',
    "ref-root.yaml": 'description: "whole ${standards}"\nparameters:\n  $ref: "_defs/fixed.yaml#/Nested"\n',
    "ref-local.yaml": 'description: "local ${name}"\nparameters:\n  type: object\n'
        '  properties:\n    x: {$ref: "#/$defs/X"}\n  required: [x]\n  additionalProperties: false\n'
        '  $defs:\n    X: {type: string}\n',
    "ref-missing.yaml": 'description: "missing"\nparameters:\n  type: object\n'
        '  properties:\n    x: {$ref: "_defs/none.yaml#/X"}\n    y: {$ref: "_defs/fixed.yaml#/Nope"}\n'
        '    z: {$ref: "../outside.yaml"}\n  required: [x, y, z]\n  additionalProperties: false\n',
    "vars.yaml": 'match: "fu*"\ndescription: "${key} ${name} ${min_role} ${standards} $${literal} ${bogus} ${"\n'
        'parameters:\n  type: object\n  properties:\n    a: {type: string, enum: ["${key}", "$${x}"]}\n'
        '  required: [a]\n  additionalProperties: false\nstrict: true\n',
    "not-strict.yaml": 'description: "loose"\nparameters:\n  type: object\n'
        '  properties:\n    a: {type: string}\nstrict: false\n',
}
for name, text in refs.items():
    put("fuzz_template", name, text)

configs = {
    "registry-pg.yaml": 'registry: {postgres: "${FUZZ_SET}", table: public.tool_registry,\n'
        '           columns: {key: key, min_role: min_role, standards: standards}}\n'
        'templates: schemas/templates\nout: manifests\ntargets: []\n',
    "registry-unset.yaml": 'registry: "${FUZZ_UNSET}"\ntemplates: "${FUZZ_SET}"\n',
    "registry-file.yaml": 'registry: {file: rows.json}\nsigning: {public_key: k.pub}\n'
        'targets: [responses, chat, mcp]\ndebug: {required_tags: [service, env], retention_days: 7}\n',
    "accept-example.yaml": 'accept:\n  - rule: param-removed\n    tool: ledger.reconcile\n'
        '    pointer: /tool/parameters/properties/memo\n    reason: "approved in FIN-1234"\n'
        '  - rule: role-lowered\n    tool: rag.search\n    reason: "public since 2026-03"\n',
}
for name, text in configs.items():
    put("fuzz_config", name, text)

# numbers at the edges: subnormals, underflow, 2^53, the issue's 17-digit cases
numbers = ["0", "-0", "1", "0.1", "0.30000000000000004", "5e-324", "2.2250738585072014e-308",
           "1.7976931348623157e308", "1e-400", "1e400", "9007199254740992", "9007199254740993",
           "9007199254740995", "7.120236347223045e-307", "-55555555555555555e0", "1E+21",
           "123456789012345680000", "0.000001", "1e-7"]
for i, n in enumerate(numbers):
    put("fuzz_number", f"n{i:02d}.txt", n)
EOF
echo "seeds: $(find "$c" -type f | wc -l) files, $(du -sh "$c" | cut -f1)"
