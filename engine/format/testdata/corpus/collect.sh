#!/usr/bin/env bash
# Copies the corpus inputs out of git mirrors of their sources (see
# README.md for the commits and licences). Each file whose content was
# already taken from an earlier source is skipped. Run it from this
# directory; then run ./generate.sh.
#
#   MIRRORS=/work/.mirror ./collect.sh
set -euo pipefail
cd "$(dirname "$0")"
mirrors=${MIRRORS:-/work/.mirror}

# source directory name, mirror, commit-ish
sources=(
	"terraform-v1.5.7 hashicorp+terraform v1.5.7"
	"terraform-v0.11.14 hashicorp+terraform v0.11.14"
	"opentofu opentofu+opentofu f831fa1aa4b90cdbdb1e0b5a8d5815f9e74646a5"
	"terraform-aws-vpc terraform-aws-modules+terraform-aws-vpc 82d1929e669efef4e2ad00611b8a68e7a56e049c"
	"terraform-aws-eks terraform-aws-modules+terraform-aws-eks bef29c4d9523523e57fe898643fde2895106b339"
	"terraform-aws-iam terraform-aws-modules+terraform-aws-iam 981121bcd17618b8ed032223c0d9e647b9277ef9"
)

declare -A seen
for s in "${sources[@]}"; do
	read -r name mirror rev <<<"$s"
	git=(git -C "$mirrors/$mirror/repo")
	rm -rf "$name"
	# Regular files only (no symlinks), with an extension fmt formats,
	# and no path component that terraform fmt ignores (a leading dot,
	# a trailing ~, #name#).
	while read -r mode _ blob path; do
		[[ $mode == 100644 || $mode == 100755 ]] || continue
		[[ /$path =~ /\. || $path =~ ~(/|$) || /$path =~ /#[^/]*#(/|$) ]] && continue
		[[ -n ${seen[$blob]:-} ]] && continue
		seen[$blob]=1
		mkdir -p "$name/$(dirname "$path")"
		"${git[@]}" cat-file blob "$blob" >"$name/$path"
	done < <("${git[@]}" ls-tree -r "$rev" | grep -E $'\t.*\\.(tf|tfvars|tftest\\.hcl|tfmock\\.hcl)$')
done
