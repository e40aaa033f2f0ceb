# SPDX-License-Identifier: Apache-2.0
# t_term.sh: what every command shares on the terminal: --quiet,
# --verbose, --color (NO_COLOR, FORCE_COLOR), the progress line, and the
# completion scripts made from the option tables.
. tests/lib.sh
unset NO_COLOR FORCE_COLOR || true
example_copy
cd "$T/cat"
esc=$(printf '\033')

# 1. Every command takes them, and its help says so.
for c in build verify diff check-config ci keygen matrix init import; do
	run "$TOOLSYNC" "$c" --quiet --verbose --color=never --help
	expect_rc 0 "$c"
	expect_in "$T/out" "--verbose"
	run "$TOOLSYNC" "$c" --color=blue
	expect_rc 2 "$c --color=blue"
	expect_in "$T/err" "toolsync: $c: --color must be auto, always or never, not 'blue'"
done

# 2. --quiet: nothing on success; --verbose: what is done and how long.
run "$TOOLSYNC" build -q --out "$T/m"
expect_rc 0
[ ! -s "$T/out" ] && [ ! -s "$T/err" ] || fail "build -q printed something"
run "$TOOLSYNC" build -v --out "$T/m"
expect_rc 0
expect_in "$T/out" "built "
expect_in "$T/err" "toolsync: build: exit 0 after "
run "$TOOLSYNC" verify -q
expect_rc 0
[ ! -s "$T/out" ] || fail "verify -q printed something"
run "$TOOLSYNC" diff -q
expect_rc 0
[ ! -s "$T/out" ] || fail "diff -q printed 'no findings'"
run "$TOOLSYNC" keygen -q -W -p "$T/k.pub" -s "$T/k.key"
expect_rc 0
[ ! -s "$T/out" ] || fail "keygen -q printed something"
# quiet keeps what fails: a finding at --fail-on is still reported
run "$TOOLSYNC" check-config -q --env-file "$TOP/examples/debug.env" --fail-on warning
expect_rc 1
expect_in "$T/out" "env-unknown-name"

# 3. Colour: --color first, then FORCE_COLOR, then NO_COLOR, then a terminal.
cc() { run env "$@" "$TOOLSYNC" check-config --env-file "$TOP/examples/debug.env" $color; }
color=--color=always; cc;                  expect_in "$T/out" "$esc["
color=--color=always; cc NO_COLOR=1;       expect_in "$T/out" "$esc["
color=;               cc FORCE_COLOR=1;    expect_in "$T/out" "$esc["
color=--color=never;  cc FORCE_COLOR=1;    expect_not_in "$T/out" "$esc["
color=;               cc;                  expect_not_in "$T/out" "$esc["
color=;               cc FORCE_COLOR=0;    expect_not_in "$T/out" "$esc["
run "$TOOLSYNC" build --registry nowhere.yaml --out "$T/m" --color=always
expect_rc 2
expect_in "$T/err" "$esc[1;31merror$esc[0m: "

# 4. The progress line: on a terminal only (script(1) gives one), after
#    TOOLSYNC_PROGRESS_DELAY_MS, cleared at the end; never in a pipe.
if command -v script >/dev/null; then
	TOOLSYNC_PROGRESS_DELAY_MS=0 script -qec "'$TOOLSYNC' build --out '$T/m'" /dev/null >"$T/tty" </dev/null ||
		fail "build under script(1) failed"
	expect_in "$T/tty" "toolsync: rows compiled: "
	expect_in "$T/tty" "$esc[K"
	TOOLSYNC_PROGRESS_DELAY_MS=0 script -qec "'$TOOLSYNC' verify" /dev/null >"$T/tty" </dev/null ||
		fail "verify under script(1) failed"
	expect_in "$T/tty" "toolsync: files verified: "
	TOOLSYNC_PROGRESS_DELAY_MS=0 script -qec "'$TOOLSYNC' build -q --out '$T/m'" /dev/null >"$T/tty" </dev/null
	expect_not_in "$T/tty" "rows compiled"
fi
TOOLSYNC_PROGRESS_DELAY_MS=0 run "$TOOLSYNC" build --out "$T/m"
expect_not_in "$T/err" "rows compiled"

# 5. Completion scripts from the option tables: bash (run), zsh (parsed).
"$TOOLSYNC" completion bash >"$T/c.bash"
complete_words() {   # complete_words WORD...: what bash offers for the last word
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _toolsync; printf "%s\n" "${COMPREPLY[@]}"' \
		sh "$T/c.bash" "$@"
}
[ "$(complete_words toolsync bui)" = build ] || fail "bash: 'bui' does not complete to build"
complete_words toolsync diff --fo >"$T/w"; expect_in "$T/w" "--format"
complete_words toolsync diff --format ma >"$T/w"; expect_in "$T/w" "markdown"
complete_words toolsync matrix --format c >"$T/w"; expect_in "$T/w" "csv"
complete_words toolsync verify --q >"$T/w"; expect_in "$T/w" "--quiet"
complete_words toolsync build --col >"$T/w"; expect_in "$T/w" "--color"
complete_words toolsync import --f >"$T/w"; expect_in "$T/w" "--fix"
complete_words toolsync keygen --un >"$T/w"; expect_in "$T/w" "--unencrypted"
complete_words toolsync help ver >"$T/w"; expect_in "$T/w" "verify"
"$TOOLSYNC" completion zsh >"$T/_toolsync"
expect_in "$T/_toolsync" "'--against:value:_files'"
expect_in "$T/_toolsync" "'--fail-on:value:(change breaking"
if command -v zsh >/dev/null; then zsh -n "$T/_toolsync" || fail "zsh cannot parse _toolsync"; fi
run "$TOOLSYNC" completion fish
expect_rc 2
echo "t_term: ok"
