#!/bin/sh
# check-bundles.sh DIR: type-check the role bundles in DIR/roles against the
# providers' published TypeScript types (openai, @anthropic-ai/sdk,
# @google/genai), as a program that passes each bundle to its API would be.
# Each bundle is written into a .ts file as a literal, so that its literal
# types ("function", "object") are checked, not widened to string.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/toolsync-witness.XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ ! -x "$here/node_modules/.bin/tsc" ]; then
	echo "witness: installing the npm packages in tests/witness (npm ci)" >&2
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
{
	echo 'import type OpenAI from "openai";'
	echo 'import type Anthropic from "@anthropic-ai/sdk";'
	echo 'import type { FunctionDeclaration } from "@google/genai";'
	# Google's types spell Schema.type as a TypeScript enum; on the wire it
	# is the enum's string ("OBJECT").  Wire<T> is T as JSON carries it.
	echo 'type Wire<T> = T extends string ? `${T}` : T extends (infer U)[] ? Wire<U>[] :'
	echo '  T extends object ? { [K in keyof T]: Wire<T[K]> } : T;'
	for f in "$dir"/roles/*.json; do
		name=$(basename "$f" .json)
		var=$(echo "$name" | tr -c 'a-zA-Z0-9\n' '_')
		case $name in
		*.responses) type='OpenAI.Responses.FunctionTool[]' ;;
		*.chat) type='OpenAI.Chat.Completions.ChatCompletionFunctionTool[]' ;;
		*.mcp) continue ;;
		*.anthropic) type='Anthropic.Messages.Tool[]' ;;
		*.gemini) type='Wire<FunctionDeclaration>[]' ;;
		*) continue ;;
		esac
		printf 'export const %s: %s = ' "$var" "$type"
		cat "$f"
		echo ';'
	done
} >"$work/bundles.ts"
cat >"$work/tsconfig.json" <<JSON
{ "compilerOptions": { "strict": true, "noEmit": true, "skipLibCheck": true,
  "module": "nodenext", "moduleResolution": "nodenext", "target": "es2022",
  "typeRoots": [], "baseUrl": "$here", "paths": { "*": ["$here/node_modules/*"] } },
  "files": ["bundles.ts"] }
JSON
ln -s "$here/node_modules" "$work/node_modules"
"$here/node_modules/.bin/tsc" -p "$work/tsconfig.json"
