#!/usr/bin/env bash
# Installs the Debian packages the tests use: python3-dotenv (how the SPICE
# HARVESTER services read .env, to cross-check env files), and what the test
# hosts are made of: systemd-nspawn containers (systemd-container) running
# sshd (openssh-server, openssh-client), forwarded to loopback (socat), or
# sshds in network namespaces linked by veth pairs (iproute2), with
# sudo for the non-root SSH tests inside them, and nginx-light and logrotate,
# which the test hosts inherit from this machine (spice_maintenance_mode
# reloads a real nginx in one; spice_logrotate validates with logrotate -d),
# chromium, in which the HTML drift report is rendered headless; prometheus
# for its promtool, which checks what spice watch exports and the alert rules
# of examples/watch (its service is never started here); postgresql, whose
# binaries (initdb, pg_ctl) the pg backend tests run as a throwaway cluster
# of their own (its service is never started or used); what the system
# preparation tests build their offline stand-ins with inside test hosts:
# dpkg-dev (dpkg-scanpackages, a local apt repository), git (a repository to
# check out), python3-venv, python3-pip, python3-setuptools and
# python3-wheel (venvs, and a wheelhouse built with pip wheel); and nodejs
# and npm, with which TerminusDB's official JavaScript client
# (@terminusdb/terminusdb-client, pinned below, installed under .cache/)
# checks the TerminusDB contract fake; and restic, which the restic backup
# engine drives (on this machine and inside the test hosts).
# Needs root (CI runs as root); without it, says what to install instead.
set -euo pipefail

packages=(python3-dotenv systemd-container openssh-server openssh-client socat iproute2 sudo nginx-light logrotate chromium prometheus postgresql
	dpkg-dev git python3-venv python3-pip python3-setuptools python3-wheel nodejs restic)
# npm ships inside NodeSource's nodejs; Debian's comes as its own package.
command -v npm >/dev/null || packages+=(npm)
# make bench also compares with Ansible.
[[ "${1:-}" == "bench" ]] && packages+=(ansible-core)
# make bench also compares backups with GNU tar piped into zstd, measured by GNU time.
[[ "${1:-}" == "bench" ]] && packages+=(zstd time)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# install_terminusdb_js puts the pinned JavaScript client under .cache/ once.
terminusdb_js=@terminusdb/terminusdb-client@11.1.2
install_terminusdb_js() {
	local dir
	dir="$(cd "$(dirname "$0")/.." && pwd)/.cache/terminusdb-js"
	grep -qs '"version": "11.1.2"' "$dir/node_modules/@terminusdb/terminusdb-client/package.json" && return 0
	echo "install-test-deps: npm install $terminusdb_js into $dir" >&2
	mkdir -p "$dir"
	npm install --prefix "$dir" --no-audit --no-fund --silent "$terminusdb_js" >&2
}
[[ ${#missing[@]} -eq 0 ]] && { install_terminusdb_js; exit 0; }

if [[ $(id -u) -ne 0 ]]; then
	echo "install-test-deps: please install as root: apt-get install -y ${missing[*]}" >&2
	exit 1
fi
echo "install-test-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Packages such as nginx start their service from postinst through
# invoke-rc.d. Nothing may start on this machine: a policy-rc.d exiting 101
# ("action forbidden") holds for the install, unless one is in place already.
policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
	trap 'rm -f "$policy"' EXIT
	printf '#!/bin/sh\n# install-test-deps.sh: start no service while installing\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
fi
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
install_terminusdb_js
