#!/bin/sh
# scripts/action.sh: the steps of the toolsync GitHub Action (action.yml),
# kept in a script so that tests/t_gate.sh runs them outside GitHub.
#
#   action.sh build   install the build packages if missing, make toolsync
#                     in the action's directory, put it in $GITHUB_ENV
#   action.sh run     toolsync ci against the pull request's base: SARIF to
#                     $INPUT_SARIF, markdown to $GITHUB_STEP_SUMMARY,
#                     annotations on stdout; exits with ci's exit code
#
# Inputs come from the environment (action.yml maps its inputs there, so
# no input is ever pasted into a shell command):
#   TOOLSYNC          the binary (default: the one `build` made)
#   INPUT_CONFIG      configuration file (default: toolsync.yaml)
#   INPUT_AGAINST     git:REV or DIR; default: git:origin/$GITHUB_BASE_REF on
#                     a pull request (fetched first), nothing on a push
#   INPUT_FAIL_ON     --fail-on (default: error)
#   INPUT_SARIF       SARIF file to write (default: toolsync.sarif; empty: none)
#   INPUT_FETCH_BASE  "false": do not fetch the base branch
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)

build() {
	if ! sh "$here/scripts/install-deps.sh" build 2>/dev/null; then
		if command -v sudo >/dev/null 2>&1; then
			sudo sh "$here/scripts/install-deps.sh" build
		else
			sh "$here/scripts/install-deps.sh" build
		fi
	fi
	make -C "$here" --no-print-directory >/dev/null
	if [ -n "${GITHUB_ENV:-}" ]; then
		echo "TOOLSYNC=$here/toolsync" >>"$GITHUB_ENV"
	fi
	echo "toolsync: built $here/toolsync"
}

# The base to review against, as one argument for --against (or nothing).
against() {
	if [ -n "${INPUT_AGAINST:-}" ]; then
		printf '%s' "$INPUT_AGAINST"
		return
	fi
	[ -n "${GITHUB_BASE_REF:-}" ] || return 0
	if [ "${INPUT_FETCH_BASE:-true}" != false ]; then
		# the base's tree is all ci reads: one commit is enough
		git fetch --quiet --no-tags --depth=1 origin \
			"+refs/heads/$GITHUB_BASE_REF:refs/remotes/origin/$GITHUB_BASE_REF" >&2
	fi
	printf 'git:origin/%s' "$GITHUB_BASE_REF"
}

run() {
	ts=${TOOLSYNC:-$here/toolsync}
	config=${INPUT_CONFIG:-toolsync.yaml}
	fail_on=${INPUT_FAIL_ON:-error}
	sarif=${INPUT_SARIF-toolsync.sarif}
	base=$(against)
	set -- -c "$config"
	[ -z "$base" ] || set -- "$@" --against "$base"
	status=0
	# The SARIF file is in the pull request's checkout: a symbolic link
	# committed there (toolsync.sarif -> a file of the runner) is removed,
	# not written through (--output replaces the file a link names).
	if [ -n "$sarif" ] && [ -L "$sarif" ]; then
		echo "toolsync: '$sarif' is a symbolic link (committed?): removed, not written through" >&2
		rm -f "$sarif"
	fi
	# SARIF for code scanning: every finding, never failing here
	if [ -n "$sarif" ]; then
		"$ts" ci "$@" --format sarif --fail-on none --output "$sarif" || status=$?
	fi
	if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
		"$ts" ci "$@" --format markdown --fail-on "$fail_on" \
			>>"$GITHUB_STEP_SUMMARY" || true
	fi
	# annotations and the exit code of the step
	"$ts" ci "$@" --format github --fail-on "$fail_on" || status=$?
	if [ -n "${GITHUB_OUTPUT:-}" ]; then
		echo "exit-code=$status" >>"$GITHUB_OUTPUT"
	fi
	return "$status"
}

case ${1:-} in
build) build ;;
run) run ;;
*) echo "usage: action.sh build|run" >&2; exit 2 ;;
esac
