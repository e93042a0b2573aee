#!/usr/bin/env bash
# Writes the expected output of every corpus input with the real
# terraform fmt: FILE.golden beside FILE, and refused.txt listing the
# inputs terraform fmt refuses (syntax errors). One terraform process
# formats a copy of the whole corpus; the files it names in its error
# diagnostics are then confirmed one by one on stdin (exit code 2).
#
#   TERRAFORM=/usr/local/bin/terraform ./generate.sh
set -euo pipefail
cd "$(dirname "$0")"
tf=${TERRAFORM:-terraform}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rc="$work/terraform.rc"
: >"$rc"
export TF_CLI_CONFIG_FILE=$rc CHECKPOINT_DISABLE=1
"$tf" version -json | grep terraform_version
mkdir "$work/tree"
tar -c --exclude='*.golden' --exclude='*.sh' --exclude='*.md' --exclude=refused.txt --exclude=.gitattributes . | tar -x -C "$work/tree"

status=0
(cd "$work/tree" && "$tf" fmt -recursive -list=false -no-color) 2>"$work/stderr" || status=$?
[[ $status == 0 || $status == 2 ]] || { cat "$work/stderr"; exit 1; }

: >refused.txt.new
sed -n 's/^  on \(.*\) line [0-9]*\(, in .*\)\{0,1\}:$/\1/p' "$work/stderr" | sort -u | while read -r f; do
	f=${f#./}
	if "$tf" fmt -no-color - <"$f" >/dev/null 2>&1; then
		echo "terraform named $f in an error but formats it alone" >&2
		exit 1
	elif [[ $? != 2 ]]; then
		echo "terraform fmt - <$f: unexpected exit code" >&2
		exit 1
	fi
	echo "$f" >>refused.txt.new
done
mv refused.txt.new refused.txt

find . -name '*.golden' -delete
(cd "$work/tree" && find . -type f -printf '%P\n') | while read -r f; do
	grep -qxF "$f" refused.txt || cp "$work/tree/$f" "$f.golden"
done
echo "$(find . -name '*.golden' | wc -l) expected outputs, $(wc -l <refused.txt) refused"
