#!/usr/bin/env bash
# Test hosts: systemd containers booted from this machine's own OS,
# copy-on-write, each reachable over SSH on a 127.0.0.1 port.
#
#   scripts/testhosts.sh up [N] [-dir DIR]   boot N containers (default 1)
#   scripts/testhosts.sh down [-dir DIR]     stop and remove all of DIR's containers
#   scripts/testhosts.sh status [-dir DIR]   list them
#   scripts/testhosts.sh check               exit 1 and say why if they cannot run here
#
# DIR defaults to .cache/testhosts in the repository. `up` writes
# DIR/NAME.json per container, for programs, and DIR/NAME.auto.tfvars, the
# connection variables every example takes (host, port, ssh_user,
# private_key_file, known_hosts_file), for people; DIR/NAME/ holds its
# overlay upper dir, keys, logs and the PIDs `down` kills. `down` removes
# all of it.
#
# Output: stdout carries only the JSON file's path, one line per host
# (testsupport/testhosts parses it); everything for people goes to stderr:
# per host an ssh command line that logs in and the tfvars snippet, each
# host's text in one write so that parallel boots do not interleave.
#
# How, and why so:
# - The rootfs is an overlay (lowerdir=/, upper and work dirs in DIR/NAME),
#   mounted in a private mount namespace: all writes land in the upper dir
#   and the mount never appears in this machine's mount table.
# - systemd-nspawn --keep-unit --register=no needs no systemd on the host;
#   each nspawn starts in its own cgroup directory because with --keep-unit
#   it splits its own cgroup into payload/supervisor, so two containers
#   sharing a cgroup would trample each other.
# - --private-network: the container has only its own loopback. Two socat
#   processes forward 127.0.0.1:PORT here -> a unix socket in DIR/NAME ->
#   127.0.0.1:22 in the container's network namespace; no host interface,
#   route or /run/netns entry is created (`ip netns attach` would leave a
#   /run/netns mount behind for good).
# - Processes are killed only by recorded PID and only if their start time
#   still matches, so a recycled PID is never signalled.
set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
REPO=$(dirname "$(dirname "$SELF")")

# Units the image enables that must not run in a copy of it: the host's
# database and maintenance jobs (they would work on copies of its data and
# cost boot time), gettys (nobody logs in on the console; a getty on an
# unread console only adds noise), and nginx and logrotate's timer: tests
# that need them start them in their own container.
MASK=(
	postgresql.service
	getty@tty1.service
	console-getty.service
	man-db.timer
	apt-daily.timer
	apt-daily-upgrade.timer
	dpkg-db-backup.timer
	e2scrub_all.timer
	e2scrub_reap.service
	fstrim.timer
	nginx.service
	logrotate.timer
)

BOOT_TIMEOUT=${SPICE_TESTHOSTS_BOOT_TIMEOUT:-60}

die() {
	echo "testhosts: $*" >&2
	exit 1
}

now() { date +%s.%N; }

# Start time of a process in clock ticks since boot (field 22 of stat);
# comm may contain spaces, so fields are counted after its closing paren.
starttime() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	# shellcheck disable=SC2086
	set -- $s
	echo "${20}"
}

record_pid() { # FILE PID
	local st
	st=$(starttime "$2") || return 1
	echo "$2 $st" >"$1"
}

# ours FILE: true when the process recorded in FILE still runs. A zombie
# counts as gone: orphans are reaped by this machine's PID 1, which may
# take its time.
ours() {
	local pid st s
	[[ -s $1 ]] || return 1
	read -r pid st <"$1"
	s=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
	s=${s##*) }
	# shellcheck disable=SC2086
	set -- $s
	[[ $1 != Z && ${20} == "$st" ]]
}

kill_ours() { # FILE SIGNAL
	local pid st
	if ours "$1"; then
		read -r pid st <"$1"
		kill "-$2" "$pid" 2>/dev/null || true
	fi
}

wait_gone() { # FILE SECONDS
	local end
	end=$(($(date +%s) + $2))
	while ours "$1"; do
		(($(date +%s) < end)) || return 1
		sleep 0.02
	done
}

pid_of() { # FILE
	local pid st
	read -r pid st <"$1"
	echo "$pid"
}

json_string() {
	local s=$1
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	printf '"%s"' "$s"
}

# hcl_string quotes like json_string and escapes the "${" and "%{" that
# would start a template in an HCL string.
hcl_string() {
	local s
	s=$(json_string "$1")
	s=${s//'${'/'$${'}
	s=${s//'%{'/'%%{'}
	printf '%s' "$s"
}

# Cgroup hierarchies nspawn uses, below this process's own cgroup: the
# unified one (pure cgroup2 or hybrid) and the legacy name=systemd one.
cgroup_bases() {
	local own
	if [[ $(stat -f -c %T /sys/fs/cgroup 2>/dev/null) == cgroup2fs ]]; then
		own=$(sed -n 's/^0:://p' /proc/self/cgroup)
		echo "/sys/fs/cgroup${own%/}"
		return
	fi
	if [[ $(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null) == cgroup2fs ]]; then
		own=$(sed -n 's/^0:://p' /proc/self/cgroup)
		echo "/sys/fs/cgroup/unified${own%/}"
	fi
	if [[ $(stat -f -c %T /sys/fs/cgroup/systemd 2>/dev/null) == cgroupfs ]]; then
		own=$(sed -n 's/^[0-9]*:name=systemd://p' /proc/self/cgroup)
		echo "/sys/fs/cgroup/systemd${own%/}"
	fi
}

cmd_check() {
	if [[ $(id -u) -ne 0 ]]; then
		echo "root privileges (test hosts are systemd-nspawn containers)"
		return 1
	fi
	local missing=() c
	for c in systemd-nspawn unshare nsenter setsid mount socat ssh ssh-keygen ss timeout; do
		command -v "$c" >/dev/null || missing+=("$c")
	done
	[[ -x /usr/sbin/sshd ]] || missing+=(/usr/sbin/sshd)
	[[ -x /lib/systemd/systemd ]] || missing+=(/lib/systemd/systemd)
	if ((${#missing[@]})); then
		echo "${missing[*]} (scripts/install-test-deps.sh installs systemd-container openssh-server openssh-client socat iproute2)"
		return 1
	fi
	if ! grep -qw overlay /proc/filesystems; then
		echo "the overlay filesystem (kernel module overlay)"
		return 1
	fi
	if [[ -z $(cgroup_bases) ]]; then
		echo "a cgroup filesystem at /sys/fs/cgroup (cgroup2, or legacy with name=systemd)"
		return 1
	fi
}

# _inner CDIR NAME HOSTMNTNS: runs in the private mount namespace; mounts
# the overlay, makes the copy a distinct host, then becomes systemd-nspawn.
cmd_inner() {
	local cdir=$1 name=$2 hostns=$3 m=$1/merged
	[[ $(readlink /proc/self/ns/mnt) != "$hostns" ]] || die "$name: refusing to mount outside a private mount namespace"
	# A whiteout hides the lower /root; mkdir below then makes it an
	# opaque, empty directory (root's shell rc here starts pyenv: ~2 s).
	mknod "$cdir/upper/root" c 0 0
	# -n: libmount would otherwise create /run/mount on this machine.
	mount -n -t overlay overlay -o "lowerdir=/,upperdir=$cdir/upper,workdir=$cdir/work" "$m"
	# nspawn's own runtime files go to a tmpfs of this namespace.
	mount -n -t tmpfs -o mode=0755,size=16m spice-testhosts /run

	echo "$name" >"$m/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$name" >"$m/etc/hosts"
	cp "$cdir/machine-id" "$m/etc/machine-id"
	rm -f "$m"/etc/ssh/ssh_host_* "$m/etc/ssh/sshd_not_to_be_run"
	install -m 0600 "$cdir/ssh_host_ed25519_key" "$m/etc/ssh/ssh_host_ed25519_key"
	install -m 0644 "$cdir/ssh_host_ed25519_key.pub" "$m/etc/ssh/ssh_host_ed25519_key.pub"
	mkdir -p "$m/etc/ssh/sshd_config.d"
	# sshd takes the first value it reads and includes the drop-ins first.
	cat >"$m/etc/ssh/sshd_config.d/00-spice-testhosts.conf" <<-EOF
		HostKey /etc/ssh/ssh_host_ed25519_key
		PermitRootLogin prohibit-password
		PubkeyAuthentication yes
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		AuthorizedKeysFile .ssh/authorized_keys
		StrictModes no
		UseDNS no
		MaxStartups 100
	EOF
	mkdir -m 0700 "$m/root" "$m/root/.ssh"
	install -m 0600 "$cdir/id_ed25519.pub" "$m/root/.ssh/authorized_keys"
	mkdir -p "$m/etc/systemd/system/multi-user.target.wants"
	ln -sfn /lib/systemd/system/ssh.service "$m/etc/systemd/system/multi-user.target.wants/ssh.service"

	local args=() u
	for u in "${MASK[@]}"; do args+=("systemd.mask=$u"); done
	exec systemd-nspawn --quiet -D "$m" -M "$name" --hostname="$name" \
		--register=no --keep-unit --private-network --console=read-only \
		--link-journal=no --resolv-conf=off --timezone=off \
		-b "${args[@]}" systemd.journald.storage=volatile
}

# boot CDIR NAME: boots one container and writes DIR/NAME.json.
boot() {
	local cdir=$1 name=$2 t0 id cg npid pid1 c port opid end banner
	t0=$(now)
	mkdir "$cdir/upper" "$cdir/work" "$cdir/merged"
	ssh-keygen -q -t ed25519 -N '' -C "spice-testhosts@$name" -f "$cdir/id_ed25519"
	ssh-keygen -q -t ed25519 -N '' -C "root@$name" -f "$cdir/ssh_host_ed25519_key"
	od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$cdir/machine-id"
	echo >>"$cdir/machine-id"

	id=$name-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
	cgroup_bases | sed "s|\$|/$id|" >"$cdir/cgroups"
	while read -r cg; do mkdir "$cg"; done <"$cdir/cgroups"

	local hostns
	hostns=$(readlink /proc/self/ns/mnt)
	(
		me=$BASHPID
		while read -r cg; do echo "$me" >"$cg/cgroup.procs"; done <"$cdir/cgroups"
		exec setsid unshare -m --propagation private -- "$SELF" _inner "$cdir" "$name" "$hostns"
	) </dev/null >"$cdir/console.log" 2>&1 &
	npid=$!
	record_pid "$cdir/nspawn.pid" "$npid" || die "$name: systemd-nspawn exited at once"

	# The container's PID 1 is nspawn's child that is PID 1 in its own
	# PID namespace.
	end=$(($(date +%s) + BOOT_TIMEOUT))
	pid1=
	while [[ -z $pid1 ]]; do
		ours "$cdir/nspawn.pid" || die "$name: systemd-nspawn exited during boot"
		(($(date +%s) < end)) || die "$name: no container PID 1 after ${BOOT_TIMEOUT}s"
		for c in $(cat /proc/"$npid"/task/*/children 2>/dev/null); do
			if grep -qE '^NSpid:([[:space:]]+[0-9]+)+[[:space:]]+1$' "/proc/$c/status" 2>/dev/null; then
				pid1=$c
				break
			fi
		done
		[[ -n $pid1 ]] || sleep 0.02
	done
	record_pid "$cdir/pid1" "$pid1" || die "$name: container PID 1 exited during boot"
	[[ $(cat "/proc/$npid/comm") == systemd-nspawn ]] || die "$name: PID $npid is not systemd-nspawn"

	# Inside: a unix socket forwarded to sshd in the container's network
	# namespace (the process stays in this machine's other namespaces).
	(
		cd "$cdir"
		exec setsid nsenter -t "$pid1" -n -- socat UNIX-LISTEN:ssh.sock,fork,unlink-early,mode=0600 TCP:127.0.0.1:22
	) </dev/null >"$cdir/socat-inner.log" 2>&1 &
	record_pid "$cdir/socat-inner.pid" $! || die "$name: inner socat exited at once: $(cat "$cdir/socat-inner.log")"

	# Outside: a free 127.0.0.1 port forwarded to that socket; another
	# process may take the port first, so try until ours listens on it.
	port=
	for _ in $(seq 1 50); do
		c=$((20000 + RANDOM % 12000))
		[[ -z $(ss -Htln "sport = :$c") ]] || continue
		(
			cd "$cdir"
			exec setsid socat "TCP-LISTEN:$c,bind=127.0.0.1,reuseaddr,fork" UNIX-CONNECT:ssh.sock
		) </dev/null >"$cdir/socat-outer.log" 2>&1 &
		opid=$!
		record_pid "$cdir/socat-outer.pid" "$opid" || continue
		while ours "$cdir/socat-outer.pid"; do
			if ss -Htlnp "sport = :$c" | grep -q "pid=$opid,"; then
				port=$c
				break 2
			fi
			(($(date +%s) < end)) || die "$name: socat does not listen on 127.0.0.1:$c"
			sleep 0.01
		done
	done
	[[ -n $port ]] || die "$name: found no free 127.0.0.1 port: $(cat "$cdir/socat-outer.log")"

	while :; do
		banner=$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && head -c 4 <&3" 2>/dev/null) || true
		[[ $banner != SSH- ]] || break
		ours "$cdir/pid1" || die "$name: container exited during boot"
		(($(date +%s) < end)) || die "$name: sshd not answering after ${BOOT_TIMEOUT}s"
		sleep 0.05
	done

	local hostkey
	hostkey=$(cut -d' ' -f1,2 "$cdir/ssh_host_ed25519_key.pub")
	echo "[127.0.0.1]:$port $hostkey" >"$cdir/known_hosts"
	ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes \
		-o UserKnownHostsFile="$cdir/known_hosts" -o GlobalKnownHostsFile=/dev/null \
		-o ConnectTimeout=10 -o LogLevel=ERROR -o KexAlgorithms=curve25519-sha256 -i "$cdir/id_ed25519" -p "$port" root@127.0.0.1 true ||
		die "$name: ssh root@127.0.0.1 -p $port with the generated key failed"

	# The examples' connection variables, aligned as terraform fmt
	# aligns them.
	local tfvars=$DIR/$name.auto.tfvars text
	text=$(
		printf '# %s: put this in an example directory as testhost.auto.tfvars\n' "$name"
		printf 'host             = "127.0.0.1"\n'
		printf 'port             = %d\n' "$port"
		printf 'ssh_user         = "root"\n'
		printf 'private_key_file = %s\n' "$(hcl_string "$cdir/id_ed25519")"
		printf 'known_hosts_file = %s\n' "$(hcl_string "$cdir/known_hosts")"
	)
	printf '%s\n' "$text" >"$tfvars.tmp"
	mv "$tfvars.tmp" "$tfvars"

	local json=$DIR/$name.json
	{
		printf '{\n'
		printf '  "name": %s,\n' "$(json_string "$name")"
		printf '  "hostname": %s,\n' "$(json_string "$name")"
		printf '  "address": "127.0.0.1",\n'
		printf '  "port": %d,\n' "$port"
		printf '  "user": "root",\n'
		printf '  "private_key_file": %s,\n' "$(json_string "$cdir/id_ed25519")"
		printf '  "known_hosts_file": %s,\n' "$(json_string "$cdir/known_hosts")"
		printf '  "tfvars_file": %s,\n' "$(json_string "$tfvars")"
		printf '  "host_key": %s,\n' "$(json_string "$hostkey")"
		printf '  "machine_id": %s,\n' "$(json_string "$(cat "$cdir/machine-id")")"
		printf '  "pid1": %d,\n' "$pid1"
		printf '  "nspawn_pid": %d,\n' "$npid"
		printf '  "helper_pids": [%d, %d],\n' "$(pid_of "$cdir/socat-inner.pid")" "$opid"
		printf '  "rootfs": %s,\n' "$(json_string "$cdir/merged")"
		printf '  "proc_root": %s,\n' "$(json_string "/proc/$pid1/root")"
		printf '  "upper_dir": %s,\n' "$(json_string "$cdir/upper")"
		printf '  "cgroups": [%s],\n' "$(while read -r cg; do json_string "$cg"; echo; done <"$cdir/cgroups" | paste -sd, | sed 's/,/, /g')"
		printf '  "dir": %s,\n' "$(json_string "$cdir")"
		printf '  "console_log": %s\n' "$(json_string "$cdir/console.log")"
		printf '}\n'
	} >"$json.tmp"
	mv "$json.tmp" "$json"
	echo "$json"
	local msg
	printf -v msg 'testhosts: %s up in %.2fs (PID 1 %d); log in with\n  ssh -i %q -o %q -p %d root@127.0.0.1\n%s\n# (saved as %s: cp it into the example directory)\n' \
		"$name" "$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')" "$pid1" \
		"$cdir/id_ed25519" "UserKnownHostsFile=$cdir/known_hosts" "$port" "$text" "$tfvars"
	# cat writes it in one write(2); bash's printf writes line by line,
	# which parallel boots would interleave.
	cat <<<"$msg" >&2
}

# down_one CDIR: kills what it recorded, then removes cgroups and files.
down_one() {
	local cdir=$1 name cg ok=0
	name=$(basename "$cdir")
	# SIGKILL to the container's PID 1 ends its whole PID namespace at once.
	kill_ours "$cdir/pid1" KILL
	kill_ours "$cdir/socat-outer.pid" TERM
	kill_ours "$cdir/socat-inner.pid" TERM
	# Booting without a PID 1 yet: nspawn stops what it started on TERM.
	kill_ours "$cdir/nspawn.pid" TERM
	local f
	for f in nspawn.pid socat-outer.pid socat-inner.pid; do
		if ! wait_gone "$cdir/$f" 10; then
			kill_ours "$cdir/$f" KILL
			wait_gone "$cdir/$f" 5 || {
				echo "testhosts: $name: PID $(pid_of "$cdir/$f") ($f) does not exit" >&2
				ok=1
			}
		fi
	done
	((ok == 0)) || return 1

	if [[ -s $cdir/cgroups ]]; then
		while read -r cg; do
			[[ $cg == /sys/fs/cgroup/*/spice-th-* || $cg == /sys/fs/cgroup/spice-th-* ]] || continue
			local end=$(($(date +%s) + 5))
			while [[ -d $cg ]]; do
				find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
				[[ -d $cg ]] || break
				if (($(date +%s) >= end)); then
					echo "testhosts: $name: cannot remove cgroup $cg (still populated?)" >&2
					ok=1
					break
				fi
				sleep 0.05
			done
		done <"$cdir/cgroups"
	fi

	# The overlay lived in a namespace that ended with nspawn; if any
	# process still sees it, leave the files for inspection.
	if grep -lF " $cdir/merged " /proc/[0-9]*/mountinfo >/dev/null 2>&1; then
		echo "testhosts: $name: $cdir/merged is still mounted in: $(grep -lF " $cdir/merged " /proc/[0-9]*/mountinfo 2>/dev/null | tr '\n' ' ')" >&2
		return 1
	fi
	((ok == 0)) || return 1
	rm -rf --one-file-system "$cdir" "$DIR/$name.json" "$DIR/$name.json.tmp" "$DIR/$name.auto.tfvars" "$DIR/$name.auto.tfvars.tmp"
}

cmd_up() {
	local n=$1 i pids=() rc=0
	[[ $n =~ ^[1-9][0-9]*$ ]] || die "up: N must be a positive number, got $n"
	local why
	why=$(cmd_check) || die "cannot boot test hosts: missing $why"
	[[ $DIR != *[,:]* ]] || die "DIR must not contain ',' or ':' (overlay mount options): $DIR"
	mkdir -p "$DIR"
	DIR=$(readlink -f "$DIR")
	for ((i = 0; i < n; i++)); do
		up_one &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || rc=1; done
	((rc == 0)) || die "some test hosts failed to boot (removed again; logs above)"
}

up_one() {
	local i=1 name cdir p
	# mkdir is atomic: parallel `up`s into one DIR get distinct names.
	while ! mkdir "$DIR/spice-th-$i" 2>/dev/null; do
		((++i < 1000)) || die "no free name in $DIR"
	done
	name=spice-th-$i
	cdir=$DIR/$name
	# In the background so that set -e applies inside boot.
	boot "$cdir" "$name" &
	p=$!
	if ! wait "$p"; then
		echo "testhosts: $name failed; its console log ends:" >&2
		tail -n 30 "$cdir/console.log" >&2 2>/dev/null || true
		down_one "$cdir" || true
		return 1
	fi
}

cmd_down() {
	[[ -d $DIR ]] || return 0
	DIR=$(readlink -f "$DIR")
	local cdir pids=() rc=0 p
	for cdir in "$DIR"/spice-th-*/; do
		[[ -d $cdir ]] || continue
		down_one "${cdir%/}" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || rc=1; done
	((rc == 0)) || die "some test hosts could not be removed (see above)"
	rmdir "$DIR" 2>/dev/null || true
}

cmd_status() {
	[[ -d $DIR ]] || return 0
	local cdir name port state
	for cdir in "$DIR"/spice-th-*/; do
		[[ -d $cdir ]] || continue
		cdir=${cdir%/}
		name=$(basename "$cdir")
		port=$(sed -n 's/^  "port": \([0-9]*\),$/\1/p' "$DIR/$name.json" 2>/dev/null)
		if ! ours "$cdir/pid1"; then
			state=stopped
		else
			state=$(timeout 5 nsenter -t "$(pid_of "$cdir/pid1")" -a systemctl is-system-running 2>/dev/null) || true
		fi
		printf '%-12s 127.0.0.1:%-6s pid1=%-8s %s\n' "$name" "${port:-?}" "$(pid_of "$cdir/pid1" 2>/dev/null || echo -)" "${state:-unknown}"
	done
}

main() {
	local cmd=${1:-} n=1
	[[ $# -eq 0 ]] || shift
	DIR=$REPO/.cache/testhosts
	if [[ $cmd == _inner ]]; then
		cmd_inner "$@"
		return
	fi
	while [[ $# -gt 0 ]]; do
		case $1 in
		-dir | --dir)
			[[ $# -ge 2 ]] || die "$1 needs a value"
			DIR=$2
			shift 2
			;;
		-dir=* | --dir=*)
			DIR=${1#*=}
			shift
			;;
		[0-9]*)
			n=$1
			shift
			;;
		*) die "unknown argument $1 (usage: $0 up [N] [-dir DIR] | down [-dir DIR] | status [-dir DIR] | check)" ;;
		esac
	done
	case $cmd in
	up) cmd_up "$n" ;;
	down) cmd_down ;;
	status) cmd_status ;;
	check)
		local why
		why=$(cmd_check) || {
			echo "missing: $why"
			exit 1
		}
		;;
	*) die "usage: $0 up [N] [-dir DIR] | down [-dir DIR] | status [-dir DIR] | check" ;;
	esac
}

main "$@"
