# Sourced by scripts/ensure-terraform.sh and scripts/ensure-tofu.sh: the
# lookup both share. A tool is taken from PATH when new enough, else from
# its cached build; otherwise the caller builds it.

# new_enough BINARY MINIMUM: whether `BINARY version` says vX.Y.Z >= MINIMUM
# ("Terraform v1.11.4", "OpenTofu v1.12.6"); not always on the first line:
# OpenTofu prints CLI configuration warnings before it, on stdout.
new_enough() {
	local v
	v=$("$1" version 2>/dev/null | sed -n 's/^[A-Za-z]* v\([0-9][0-9.]*\).*/\1/p' | head -n1)
	[[ -n "$v" ]] && [[ "$(printf '%s\n%s\n' "$2" "$v" | sort -V | head -n1)" == "$2" ]]
}

# print_if_found NAME MINIMUM CACHED: prints the absolute path of NAME on
# PATH or of CACHED and exits 0 when one is new enough; returns otherwise.
print_if_found() {
	local found
	if found=$(command -v "$1") && new_enough "$found" "$2"; then
		readlink -f "$found"
		exit 0
	fi
	if [[ -x "$3" ]] && new_enough "$3" "$2"; then
		echo "$3"
		exit 0
	fi
}
