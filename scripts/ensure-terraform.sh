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

. "$repo/scripts/ensure-tool.sh"
print_if_found terraform "$minimum" "$cached"

echo "ensure-terraform: no Terraform >= $minimum on PATH; building $pinned into $(dirname "$cached") (a few minutes, once)" >&2
GOBIN="$(dirname "$cached")" CGO_ENABLED=0 go install "github.com/hashicorp/terraform@$pinned" >&2
echo "$cached"
