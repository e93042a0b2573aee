#!/usr/bin/env bash
# Prints the absolute path of an OpenTofu binary >= 1.10 for make
# testacc-tofu: the one on PATH when it is new enough, otherwise
# opentofu/opentofu (pinned below) built from the Go module proxy into
# .cache/tools/bin, once (about 8 minutes on two cores). Progress goes to
# stderr.
#
# A plain `go install github.com/opentofu/opentofu/cmd/tofu@v...` is refused:
# OpenTofu's go.mod has replace directives (its fork of hcl), which go
# install ignores. So the build runs in a throwaway module that requires
# OpenTofu and repeats its go line, godebug settings and replace directives,
# copied from the pinned version's own go.mod; the flags are its release's
# (.goreleaser.yaml), so `tofu version` prints no -dev.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cached="$repo/.cache/tools/bin/tofu"
minimum=1.10.0
pinned=v1.12.6
module=github.com/opentofu/opentofu

. "$repo/scripts/ensure-tool.sh"
print_if_found tofu "$minimum" "$cached"

echo "ensure-tofu: no OpenTofu >= $minimum on PATH; building $pinned into $(dirname "$cached") (about 8 minutes, once)" >&2
wrapper=$(mktemp -d)
trap 'rm -rf "$wrapper"' EXIT
cd "$wrapper"
upstream=$(go mod download -json "$module@$pinned" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')
[[ -f "$upstream" ]] || { echo "ensure-tofu: no go.mod for $module@$pinned" >&2; exit 1; }
{
	echo "module spice-tofu-build"
	grep '^go ' "$upstream"
	# godebug and replace directives, single lines and ( ... ) blocks.
	awk '/^(godebug|replace) \($/ { block = 1 } block || /^(godebug|replace) / { print } /^\)/ { block = 0 }' "$upstream"
} > go.mod
if grep -Eq '=> *[./]' go.mod; then
	echo "ensure-tofu: $module@$pinned replaces a module with a local directory; this script cannot repeat that" >&2
	exit 1
fi
go get "$module/cmd/tofu@$pinned" >&2
mkdir -p "$(dirname "$cached")"
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X '$module/version.dev=no'" -o "$cached.tmp" "$module/cmd/tofu" >&2
mv "$cached.tmp" "$cached"
"$cached" version >&2
echo "$cached"
