#!/usr/bin/env bash
# Prints the absolute path of a Terraform binary >= 1.5 for tests, docs and
# the quickstart: the one on PATH when it is new enough, otherwise
# hashicorp/terraform v1.5.7 (the last MPL release) built from the Go module
# proxy into .cache/tools/bin, once. Progress goes to stderr.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cached="$repo/.cache/tools/bin/terraform"
minimum=1.5.0
pinned=v1.5.7

new_enough() {
	local v
	v=$("$1" version 2>/dev/null | sed -n '1s/^Terraform v\([0-9.]*\).*/\1/p')
	[[ -n "$v" ]] && [[ "$(printf '%s\n%s\n' "$minimum" "$v" | sort -V | head -n1)" == "$minimum" ]]
}

if found=$(command -v terraform) && new_enough "$found"; then
	readlink -f "$found"
	exit 0
fi
if [[ -x "$cached" ]] && new_enough "$cached"; then
	echo "$cached"
	exit 0
fi
echo "ensure-terraform: no Terraform >= $minimum on PATH; building $pinned into $(dirname "$cached") (a few minutes, once)" >&2
GOBIN="$(dirname "$cached")" CGO_ENABLED=0 go install "github.com/hashicorp/terraform@$pinned" >&2
echo "$cached"
