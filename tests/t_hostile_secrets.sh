# t_hostile_secrets.sh: API keys and passwords in every place a value can
# stand (env values at 20..60 body lengths and in every provider's shape,
# tag keys and values, variable names, registry keys, roles and standards,
# template text, toolsync.yaml values, connection strings, JSON pointers)
# never reach stdout, stderr or a report file, in any of the five formats;
# control characters and newlines in roles, standards and values never
# start a line with '::' (a GitHub workflow command) or put an escape
# sequence on stderr.  Each case asserts its exit code and location.
. tests/lib.sh
example_copy
cd "$T/cat"

FORMATS="text markdown json sarif github"
ALPHA=aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYzC2eF4gH6iJ8kM0nP1qR3sT5uV7wX9yZ
ESC=$(printf '\033')

# body N: N key characters that mix cases and digits
body() { printf '%s' "$ALPHA" | cut -c "1-$1"; }

# nokey NAME SECRET: no output holds the secret's last 12 characters
nokey() {
	tail=$(printf '%s' "$2" | tail -c 12)
	for f in "$T/out" "$T/err" "$T"/report.*; do
		[ -f "$f" ] || continue
		! grep -qF -- "$tail" "$f" || { cat "$f"; fail "$1: the secret is in $(basename "$f")"; }
	done
}

# noinject NAME: no workflow command and no escape sequence on stderr
noinject() {
	! grep -q '^::' "$T/err" || { cat "$T/err"; fail "$1: a line starting with '::' on stderr"; }
	! grep -qF "$ESC" "$T/err" || fail "$1: an escape sequence on stderr"
	for f in "$T"/report.*; do
		[ -f "$f" ] || continue
		! grep -qF "$ESC" "$f" || fail "$1: an escape sequence in $(basename "$f")"
	done
}

# formats NAME RC LOCATION SECRET CMD...: CMD in every format, the report in
# a file: exit RC, LOCATION in the text report or on stderr, SECRET nowhere
formats() {
	name=$1 want=$2 loc=$3 secret=$4
	shift 4
	for fmt in $FORMATS; do
		rm -f "$T"/report.*
		run "$@" --format "$fmt" --output "$T/report.$fmt"
		expect_rc "$want" "$name, $fmt"
		nokey "$name, $fmt" "$secret"
		noinject "$name, $fmt"
		[ ! -s "$T/out" ] || fail "$name, $fmt: printed on stdout with --output"
		[ ! -f "$T/report.$fmt" ] || cp "$T/report.$fmt" "$T/last.$fmt"
		if [ "$fmt" = text ]; then
			cat "$T/err" "$T/report.text" 2>/dev/null | grep -qF -- "$loc" ||
				{ cat "$T/err"; fail "$name: '$loc' not reported"; }
		fi
	done
}

# 1. Env values: OpenAI keys with 20 to 60 body characters (the rule is 20+;
#    envcheck used to take only 32+ for a key and printed a 30-character one).
# (every length in two formats, the ends and the middle in all five)
for n in 20 21 25 30 32 40 48 60; do
	key=sk-$(body "$n")
	printf 'OPENAI_DEBUG_LOGGING=%s\n' "$key" >e.env
	case $n in 20|30|60) FORMATS="text markdown json sarif github" ;; *) FORMATS="text github" ;; esac
	formats "bool, body $n" 1 "e.env:1:22: error[config] debug-bool-invalid" "$key" \
		"$TOOLSYNC" check-config --env-file e.env
	expect_in "$T/last.github" "value not shown"
done
# 19 characters are not a key: shown, as any other invalid value
printf 'OPENAI_DEBUG_LOGGING=sk-%s\n' "$(body 19)" >e.env
run "$TOOLSYNC" check-config --env-file e.env
expect_rc 1
expect_in "$T/out" "OPENAI_DEBUG_LOGGING='sk-$(body 19)' is not a boolean"

# every provider's shape, in a value from a file and from the environment
for key in "sk-proj-$(body 24)" "sk-ant-api03-$(body 24)" "sk-svcacct-$(body 24)" \
	"sk-admin-$(body 24)" "AIza$(body 35)" "ghp_$(body 36)" "github_pat_$(body 40)" \
	"AKIAIOSFODNN7EXAMPLE" "xoxb-$(body 30)" "$(body 40)"; do
	printf 'OPENAI_DEBUG_FETCH_DETAILS=%s\n' "$key" >e.env
	case $key in sk-proj-*) FORMATS="text markdown json sarif github" ;; *) FORMATS="text sarif" ;; esac
	formats "shape ${key%"${key#????}"}" 1 "e.env:1:28" "$key" \
		"$TOOLSYNC" check-config --env-file e.env
	run env OPENAI_DEBUG_LOGGING="$key" "$TOOLSYNC" check-config --format github
	expect_rc 1
	expect_in "$T/out" "::error title=debug-bool-invalid::environment: /OPENAI_DEBUG_LOGGING"
	nokey "environment ${key%"${key#????}"}" "$key"
done

FORMATS="text markdown json sarif github"

# 2. OPENAI_REQUEST_TAGS: a key used as a tag key (the finding's pointer
#    names the tag) and as a tag value; a placeholder next to a key.
key=sk-proj-$(body 32)
printf 'OPENAI_REQUEST_TAGS=service:a,env:b,workload:c,%s:x,%s:y\n' "$key" "$key" >e.env
formats "tag key" 1 "e.env:1:" "$key" "$TOOLSYNC" check-config --env-file e.env
expect_in "$T/last.json" '"pointer": "/OPENAI_REQUEST_TAGS/sk-****'
printf 'OPENAI_REQUEST_TAGS=service:a,env:<env>,workload:%s, x:y\n' "$key" >e.env
formats "tag value" 1 "e.env:1:" "$key" "$TOOLSYNC" check-config --env-file e.env
printf 'OPENAI_REQUEST_QUOTA_TAG=%s/<tag>\n' "$key" >e.env
formats "quota tag" 1 "e.env:1:" "$key" "$TOOLSYNC" check-config --env-file e.env

# 3. Names: a variable named like a key; a line whose "name" is a key
name=OPENAI_REQUEST_ghp_$(body 36)
printf '%s=1\n' "$name" >e.env
formats "name" 0 "e.env:1:1: warning[config] env-unknown-name" "$name" \
	"$TOOLSYNC" check-config --env-file e.env
expect_in "$T/last.github" "OPENAI_REQUEST_ghp_****"
printf 'OPENAI_DEBUG_LOGGING=true\n%s=1\n' "$key" >e.env
formats "bad name" 2 "e.env:2:1: error: invalid variable name" "$key" \
	"$TOOLSYNC" check-config --env-file e.env

# control characters in values and names: escaped, never a line of their own
printf 'OPENAI_DEBUG_LOGGING="yes\n::warning title=x::pwned\033[2J"\n' >e.env
formats "multi-line value" 1 "e.env:1:23: error[config] debug-bool-invalid" "pwned$ESC" \
	"$TOOLSYNC" check-config --env-file e.env
expect_in "$T/last.text" 'yes\x0a::warning title=x::pwned\x1b[2J'
formats "control in the environment" 1 "environment" "pwned$ESC" \
	env "OPENAI_DEBUG_LOGGING=no
::error::pwned$ESC[2J" "$TOOLSYNC" check-config

# 4. Registry rows: keys, roles and standards holding keys, newlines and
#    escape sequences (the registry file; t_pg.sh covers a PostgreSQL row)
cp registry.yaml r.yaml
cat >>r.yaml <<EOF
  - key: hostile.role
    minRole: "viewer\n::warning title=pwned::gotcha\e[31m"
    standards: ["IFRS-9\n::error::x", "$key"]
  - key: Hostile.$key
    minRole: $key
    standards: []
EOF
formats "registry" 2 "r.yaml:47:14: error: key 'hostile.role': unknown role 'viewer\x0a::warning" \
	"$key" "$TOOLSYNC" diff --registry r.yaml
expect_in "$T/err" "r.yaml:48:17: error: key 'hostile.role': standard 'IFRS-9\x0a::error::x'"
expect_in "$T/err" "r.yaml:50:14: error: key 'Hostile.sk-****"
run "$TOOLSYNC" build --registry r.yaml --out "$T/never"
expect_rc 2
nokey "registry build" "$key"
noinject "registry build"
[ ! -e "$T/never" ] || fail "a failed build wrote its output"

# roles and standards in toolsync.yaml: listed in messages
{ printf 'roles: [viewer, "%s", "a\\nb\\e[2J"]\n' "$key"; grep -v '^roles:' toolsync.yaml; } >roles.yaml
# (roles are names: the hostile one is refused at its line, the key masked there)
formats "configured roles" 2 "roles.yaml:1:" "$key" "$TOOLSYNC" diff -c roles.yaml
expect_in "$T/err" "'a\x0ab\x1b[2J' is not a name"

# 5. Template text: a quoted line holding a key; a property named like a
#    key (the findings' pointers name it)
mkdir t && cp -R schemas/templates/. t/
sed -i "s|^description: >-|description: \"Audit $key \${bogus}\"\nold_description: >-|" t/audit.yaml
sed -i '/^old_description: >-/,/^parameters:/{/^parameters:/!d}' t/audit.yaml
{ echo "templates: t"; grep -v '^templates:' toolsync.yaml; } >tpl.yaml
formats "template line" 2 "t/audit.yaml:4:" "$key" "$TOOLSYNC" diff -c tpl.yaml
expect_in "$T/err" "unknown variable '\${bogus}'"
expect_in "$T/err" "Audit sk-****"
rm -rf t && mkdir t && cp -R schemas/templates/. t/
sed -i "s/^  properties:\$/  properties:\n    $key:\n      type: string\n      description: a key as a name/" t/audit.yaml
sed -i "s/required: \[engagement/required: [$key, engagement/" t/audit.yaml
formats "pointer" 1 "t/audit.yaml:11:7: error[breaking] param-became-required" "$key" \
	"$TOOLSYNC" diff -c tpl.yaml
expect_in "$T/last.json" '"pointer": "/tool/parameters/properties/sk-****'
# an accept entry naming that pointer (the key written out) matches the
# masked pointer; its reason, a user value, is escaped in every format
printf 'accept:\n  - rule: param-became-required\n    pointer: "/tool/parameters/properties/%s"\n    reason: "ok\\n::error::pwned %s"\n' \
	"$key" "$key" >acc.yaml
formats "accepted pointer" 0 "accepted: ok\x0a::error::pwned sk-****" "$key" \
	"$TOOLSYNC" diff -c tpl.yaml --accept acc.yaml
! grep -q '^::error::pwned' "$T/last.github" || fail "the reason started a workflow command"

# 6. toolsync.yaml values: the quoted line masks the key
{ printf 'debug: {required_tags: [service], retention_days: "%s"}\n' "$key"; grep -v '^debug:' toolsync.yaml; } >ret.yaml
formats "config value" 2 "ret.yaml:1:51: error: 'debug.retention_days' must be a whole number" \
	"$key" "$TOOLSYNC" check-config -c ret.yaml

# 7. Connection strings: a password holding '@' (and a key), in a URI, in
#    key=value form and in toolsync.yaml; nothing listens on port 1
pw="$key@WORD/x"
formats "URI password" 2 "cannot connect to PostgreSQL: connection to server at \"127.0.0.1\", port 1 failed" \
	"$key" "$TOOLSYNC" diff --registry "postgresql://u:$pw@127.0.0.1:1/db"
! grep -rqF "WORD" "$T/err" "$T"/report.* || fail "a piece of the password in a message"
formats "conninfo password" 2 "cannot connect to PostgreSQL" "$key" \
	"$TOOLSYNC" diff --registry "host=127.0.0.1 port=1 dbname=db user=u password='$pw'"
formats "malformed conninfo" 2 "malformed connection string: expected keyword=value at character 78" \
	"WORD/x" "$TOOLSYNC" diff --registry "host=127.0.0.1 port=1 password=$key@WORD /x"
formats "malformed URI" 2 "malformed connection string: invalid percent-encoded token" "$key" \
	"$TOOLSYNC" diff --registry "postgresql://u:$key%zz@127.0.0.1:1/db"
{ printf 'registry: {postgres: "postgresql://u:%s@127.0.0.1:1/db"}\n' "$pw"; grep -v '^registry:' toolsync.yaml; } >pg.yaml
formats "config URI" 2 "cannot connect to PostgreSQL" "$key" "$TOOLSYNC" diff -c pg.yaml
formats "check-config --db" 2 "--db: cannot connect to PostgreSQL" "$key" \
	"$TOOLSYNC" check-config --db "postgresql://u:$pw@127.0.0.1:1/db"
run env DATABASE_URL="postgresql://u:$pw@127.0.0.1:1/db" "$TOOLSYNC" check-config --db ""
expect_rc 2
nokey "DATABASE_URL" "$key"

# 8. ci: every step at once, the env file holding a key
printf 'OPENAI_DEBUG_LOGGING=%s\n' "$key" >e.env
formats "ci" 1 "e.env:1:22: error[config] debug-bool-invalid" "$key" \
	"$TOOLSYNC" ci --env-file e.env
