// Package facts reads what a host is (hostname, OS, hardware, runtime
// versions) in one command, and checks it against declared requirements
// such as the operations manual's hardware tables.
//
// Gathering is one round trip: Script runs under sh on the host and prints
// raw key=value lines; all interpretation happens here in Go, where it is
// tested against captured outputs. Over SSH that is one channel on the
// host's connection.
package facts

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// Storage types. Unknown is reported when the device behind / cannot be
// identified (containers on overlayfs, ZFS, network filesystems) or when
// the kernel's rotational flag says nothing about the medium (virtio and
// Xen virtual disks report "rotational" whatever backs them).
const (
	StorageNVMe    = "nvme"
	StorageSSD     = "ssd"
	StorageHDD     = "hdd"
	StorageUnknown = "unknown"
)

// Facts is what Gather learns about a host. Zero values mean "unknown"
// (for versions: "not installed"): no host has zero CPUs or no memory.
type Facts struct {
	Hostname  string
	OSID      string // os-release ID: "debian", "ubuntu", "centos"
	OSVersion string // os-release VERSION_ID: "12", "22.04"; "" for rolling releases
	Kernel    string // uname -r
	Arch      string // uname -m

	CPUCores int   // processing units available to processes (nproc)
	MemoryMB int64 // MemTotal in MiB, as free -m prints it

	// Root filesystem size and space available to unprivileged users, in
	// decimal gigabytes (10^9 bytes, the unit disks are sold in and
	// df -H prints), rounded to 0.1.
	StorageTotalGB float64
	StorageFreeGB  float64
	StorageType    string // one of the Storage constants

	// NetworkMbps is the fastest link speed of the host's physical (or
	// bonded) interfaces; 0 when no interface reports one, as inside
	// containers (veth) and on most VMs (virtio-net).
	NetworkMbps int64

	// Versions normalised to dotted numbers ("3.11.7"); "" = not installed.
	PythonVersion        string
	DockerVersion        string
	DockerComposeVersion string
	GitVersion           string
}

// Script is the POSIX sh program Gather runs. It takes no input and
// interpolates nothing: every line it prints is KEY=raw text, parsed by
// Parse. Errors are discarded (a missing tool prints nothing), and it always
// exits 0 so that one absent fact never hides the others.
//
// Keys: hostname, kernel, arch, os (one per os-release line), nproc,
// meminfo (the MemTotal line), df (df -Pk / lines), root (major:minor,
// fstype and source of the / mount), disk (NAME ROTATIONAL for each disk
// behind /, following partitions to their disk and device-mapper/md
// devices to their members), net (NAME SPEED PHYSICAL for each interface
// but lo), python3, docker, docker_compose, git (first line of --version).
const Script = `export LC_ALL=C
unset OMP_NUM_THREADS OMP_THREAD_LIMIT
exec 2>/dev/null
set -f
nl='
'
line() { printf '%s=%s\n' "$1" "${2%%"$nl"*}"; }
line hostname "$(uname -n)"
line kernel "$(uname -r)"
line arch "$(uname -m)"
f=/etc/os-release
[ -r "$f" ] || f=/usr/lib/os-release
if [ -r "$f" ]; then
	while IFS= read -r l || [ -n "$l" ]; do line os "$l"; done <"$f"
fi
line nproc "$(nproc || getconf _NPROCESSORS_ONLN)"
if [ -r /proc/meminfo ]; then
	while IFS= read -r l; do
		case $l in MemTotal:*) line meminfo "$l" ;; esac
	done </proc/meminfo
fi
df -Pk / | while IFS= read -r l; do line df "$l"; done
mm= fs= src=
if [ -r /proc/self/mountinfo ]; then
	while IFS= read -r l; do
		set -- $l
		[ "$5" = / ] || continue
		mm=$3
		set -- ${l#* - }
		fs=$1 src=$2
	done </proc/self/mountinfo
fi
line root "$mm $fs $src"
d=
if [ -n "$mm" ] && [ -e "/sys/dev/block/$mm" ]; then
	d=$(cd -P "/sys/dev/block/$mm" && pwd)
elif [ -n "$src" ] && [ -e "/sys/class/block/${src##*/}" ]; then
	d=$(cd -P "/sys/class/block/${src##*/}" && pwd)
fi
n=0
while [ -n "$d" ] && [ $n -lt 64 ]; do
	n=$((n + 1))
	set -- $d
	cur=$1
	shift
	d=$*
	[ -e "$cur/partition" ] && cur=${cur%/*}
	s=
	set +f
	for x in "$cur"/slaves/*; do
		[ -e "$x" ] && s="$s $(cd -P "$x" && pwd)"
	done
	set -f
	if [ -n "$s" ]; then
		d="$d$s"
	else
		r=
		read -r r <"$cur/queue/rotational"
		line disk "${cur##*/} $r"
	fi
done
set +f
for i in /sys/class/net/*; do
	[ "${i##*/}" = lo ] && continue
	[ -e "$i" ] || continue
	s=
	read -r s <"$i/speed"
	p=0
	if [ -e "$i/device" ] || [ -d "$i/bonding" ]; then p=1; fi
	line net "${i##*/} ${s:-?} $p"
done
set -f
line python3 "$(python3 --version)" &
line docker "$(docker --version)" &
(
	v=$(docker compose version) || v=$(docker-compose --version) || v=
	line docker_compose "$v"
) &
line git "$(git --version)" &
wait
exit 0
`

// timeout bounds one Gather: a hung tool (a docker CLI waiting on a broken
// plugin) must not hang a plan forever.
const timeout = 30 * time.Second

// Gather runs Script on h and parses what it prints. Missing tools and
// unreadable files are unknown facts, not errors; an error means the script
// could not run at all or printed something that is not its output.
func Gather(ctx context.Context, h host.Host) (*Facts, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := h.Run(ctx, host.Command{Argv: []string{"sh", "-c", Script}})
	if err != nil {
		return nil, fmt.Errorf("gathering facts on %s: %w", h.Name(), err)
	}
	f, err := Parse(res.Stdout)
	if err != nil {
		return nil, fmt.Errorf("gathering facts on %s: %w", h.Name(), err)
	}
	return f, nil
}

// GoArch is Go's name (GOARCH) for the architecture uname -m calls
// machine, the one a Linux build of spice for that host must have; "" for
// an architecture spice is not released for.
func GoArch(machine string) string {
	switch machine {
	case "x86_64", "amd64":
		return "amd64"
	case "aarch64", "arm64":
		return "arm64"
	}
	return ""
}

// Parse interprets the output of Script. Lines it does not know are
// ignored, so that an older parser reads a newer script's output.
func Parse(out []byte) (*Facts, error) {
	raw := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		raw[key] = append(raw[key], value)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading fact output: %w", err)
	}
	first := func(key string) string {
		if v := raw[key]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	f := &Facts{
		Hostname: first("hostname"),
		Kernel:   first("kernel"),
		Arch:     first("arch"),
	}
	if f.Hostname == "" {
		// uname -n always prints something: without it, this is not the
		// script's output (a login shell's banner, a broken sh).
		return nil, errors.New("fact output has no hostname line")
	}
	osr := ParseOSRelease(raw["os"])
	f.OSID, f.OSVersion = osr["ID"], osr["VERSION_ID"]
	f.CPUCores = parseCPUCores(first("nproc"))
	f.MemoryMB = parseMemTotal(first("meminfo"))
	f.StorageTotalGB, f.StorageFreeGB = parseDF(raw["df"])
	f.StorageType = storageType(raw["disk"])
	f.NetworkMbps = networkMbps(raw["net"])
	f.PythonVersion = NormalizeVersion(first("python3"))
	f.DockerVersion = NormalizeVersion(first("docker"))
	f.DockerComposeVersion = NormalizeVersion(first("docker_compose"))
	f.GitVersion = NormalizeVersion(first("git"))
	return f, nil
}

// ParseOSRelease reads os-release(5) lines: shell-style assignments whose
// values may be double- or single-quoted, with backslash escapes inside
// double quotes. Comments and malformed lines are skipped.
func ParseOSRelease(lines []string) map[string]string {
	out := map[string]string{}
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || l[0] == '#' {
			continue
		}
		key, value, ok := strings.Cut(l, "=")
		if !ok || key == "" {
			continue
		}
		out[key] = unquoteShell(value)
	}
	return out
}

// unquoteShell undoes the quoting os-release files use. It is deliberately
// small: one word, quoted or not, no expansions.
func unquoteShell(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				b.WriteString(s[i+1:])
				return b.String()
			}
			b.WriteString(s[i+1 : i+1+end])
			i += end + 1
		case '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\\\"$`", s[i+1]) >= 0 {
					i++
				}
				b.WriteByte(s[i])
			}
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func parseCPUCores(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// parseMemTotal reads "MemTotal:       24684092 kB" (the kernel's kB are
// KiB) into MiB.
func parseMemTotal(s string) int64 {
	fields := strings.Fields(s)
	if len(fields) != 3 || fields[0] != "MemTotal:" || fields[2] != "kB" {
		return 0
	}
	kb, err := strconv.ParseInt(fields[1], 10, 64)
	if err != nil || kb < 0 {
		return 0
	}
	return kb / 1024
}

// parseDF reads df -Pk output: a header, then one line whose last five
// fields are 1024-blocks, used, available, capacity and the mount point (a
// filesystem name may itself contain spaces, so count from the right).
func parseDF(lines []string) (totalGB, freeGB float64) {
	if len(lines) < 2 {
		return 0, 0
	}
	fields := strings.Fields(lines[len(lines)-1])
	n := len(fields)
	if n < 6 || !strings.HasSuffix(fields[n-2], "%") {
		return 0, 0
	}
	total, err1 := strconv.ParseInt(fields[n-5], 10, 64)
	free, err2 := strconv.ParseInt(fields[n-3], 10, 64)
	if err1 != nil || err2 != nil || total < 0 || free < 0 {
		return 0, 0
	}
	return kibToGB(total), kibToGB(free)
}

// kibToGB converts KiB to decimal gigabytes with one decimal.
func kibToGB(kib int64) float64 {
	return math.Round(float64(kib)*1024/1e8) / 10
}

// storageType reduces the disks behind / ("NAME ROTATIONAL" lines) to the
// slowest kind among them: an md mirror of an SSD and an HDD is as slow as
// the HDD. One unidentifiable disk makes the whole answer unknown.
func storageType(disks []string) string {
	if len(disks) == 0 {
		return StorageUnknown
	}
	rank := map[string]int{StorageHDD: 1, StorageSSD: 2, StorageNVMe: 3}
	slowest := StorageNVMe
	for _, d := range disks {
		t := diskType(d)
		if t == StorageUnknown {
			return StorageUnknown
		}
		if rank[t] < rank[slowest] {
			slowest = t
		}
	}
	return slowest
}

func diskType(line string) string {
	fields := strings.Fields(line)
	if len(fields) != 2 {
		return StorageUnknown
	}
	name, rotational := fields[0], fields[1]
	switch {
	case strings.HasPrefix(name, "nvme"):
		return StorageNVMe
	case rotational == "0":
		return StorageSSD
	case rotational != "1":
		return StorageUnknown
	case strings.HasPrefix(name, "vd"), strings.HasPrefix(name, "xvd"):
		// virtio-blk and Xen block devices cannot learn the medium and
		// keep the kernel's default "rotational"; a hypervisor or udev
		// rule that knows better sets 0, handled above.
		return StorageUnknown
	default:
		return StorageHDD
	}
}

// networkMbps is the highest speed among physical or bonded interfaces
// ("NAME SPEED PHYSICAL" lines). Virtual interfaces are left out: veth
// reports a fixed 10000 whatever the real link is, so a Docker host would
// otherwise always look like a 10 Gbps machine. -1 or an unreadable speed
// (link down, virtio-net) is unknown.
func networkMbps(ifaces []string) int64 {
	var best int64
	for _, l := range ifaces {
		fields := strings.Fields(l)
		if len(fields) != 3 || fields[2] != "1" {
			continue
		}
		speed, err := strconv.ParseInt(fields[1], 10, 64)
		if err == nil && speed > best {
			best = speed
		}
	}
	return best
}

var versionRE = regexp.MustCompile(`[0-9]+(?:\.[0-9]+)+`)

// NormalizeVersion extracts the dotted version number from a tool's
// --version line: "Python 3.11.2" → "3.11.2", "Docker version 20.10.24+dfsg1,
// build 297e128" → "20.10.24", "Docker Compose version v2.27.0" → "2.27.0".
// "" when the line holds none (the tool is missing).
func NormalizeVersion(s string) string {
	return versionRE.FindString(s)
}
