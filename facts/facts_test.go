package facts_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/facts"
	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sshd"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// Outputs of Script captured on real machines (trimmed to what matters),
// and what they mean.
var parseCases = map[string]struct {
	out  string
	want facts.Facts
}{
	"debian VM on virtio (this CI machine)": {
		out: `hostname=vm
kernel=6.18.44-fc-v657
arch=x86_64
os=PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
os=NAME="Debian GNU/Linux"
os=VERSION_ID="12"
os=VERSION="12 (bookworm)"
os=VERSION_CODENAME=bookworm
os=ID=debian
os=HOME_URL="https://www.debian.org/"
nproc=2
meminfo=MemTotal:       24684092 kB
df=Filesystem     1024-blocks     Used Available Capacity Mounted on
df=/dev/vda         264212084 23224828  72276436      25% /
root=254:0 ext4 /dev/vda
disk=vda 1
net=eth0 -1 1
net=ifb0 ? 0
net=ifb1 ? 0
python3=Python 3.11.7
docker=Docker version 28.2.2, build e6534b4
docker_compose=
git=git version 2.39.5
`,
		want: facts.Facts{
			Hostname: "vm", OSID: "debian", OSVersion: "12", Kernel: "6.18.44-fc-v657", Arch: "x86_64",
			CPUCores: 2, MemoryMB: 24105, StorageTotalGB: 270.6, StorageFreeGB: 74.0,
			StorageType: facts.StorageUnknown, NetworkMbps: 0,
			PythonVersion: "3.11.7", DockerVersion: "28.2.2", GitVersion: "2.39.5",
		},
	},
	"ubuntu bare metal, NVMe partition, bonded 10G": {
		out: `hostname=oms1
kernel=5.15.0-105-generic
arch=x86_64
os=NAME="Ubuntu"
os=VERSION_ID="22.04"
os=ID=ubuntu
os=ID_LIKE=debian
nproc=32
meminfo=MemTotal:       131841320 kB
df=Filesystem     1024-blocks      Used Available Capacity Mounted on
df=/dev/nvme0n1p2  959786032 102400000 808587744      12% /
root=259:2 ext4 /dev/nvme0n1p2
disk=nvme0n1 0
net=bond0 20000 1
net=docker0 -1 0
net=eno1 10000 1
net=eno2 10000 1
net=veth1a2b3c 10000 0
python3=Python 3.10.12
docker=Docker version 24.0.7, build afdd53b
docker_compose=Docker Compose version v2.21.0
git=git version 2.34.1
`,
		want: facts.Facts{
			Hostname: "oms1", OSID: "ubuntu", OSVersion: "22.04", Kernel: "5.15.0-105-generic", Arch: "x86_64",
			CPUCores: 32, MemoryMB: 128751, StorageTotalGB: 982.8, StorageFreeGB: 828.0,
			StorageType: facts.StorageNVMe, NetworkMbps: 20000,
			PythonVersion: "3.10.12", DockerVersion: "24.0.7", DockerComposeVersion: "2.21.0", GitVersion: "2.34.1",
		},
	},
	"centos on LVM over SATA SSD, compose v1": {
		out: `hostname=bff2.example.internal
kernel=4.18.0-513.el8.x86_64
arch=x86_64
os=NAME='CentOS Stream'
os=VERSION="8"
os=ID="centos"
os=VERSION_ID="8"
nproc=8
meminfo=MemTotal:       32614708 kB
df=Filesystem          1024-blocks     Used Available Capacity Mounted on
df=/dev/mapper/cs-root   491133848 20000000 471133848       5% /
root=253:0 xfs /dev/mapper/cs-root
disk=sda 0
net=ens192 1000 1
python3=Python 3.9.18
docker=Docker version 20.10.24+dfsg1, build 297e128
docker_compose=docker-compose version 1.29.2, build 5becea4c
git=git version 2.39.3
`,
		want: facts.Facts{
			Hostname: "bff2.example.internal", OSID: "centos", OSVersion: "8", Kernel: "4.18.0-513.el8.x86_64", Arch: "x86_64",
			CPUCores: 8, MemoryMB: 31850, StorageTotalGB: 502.9, StorageFreeGB: 482.4,
			StorageType: facts.StorageSSD, NetworkMbps: 1000,
			PythonVersion: "3.9.18", DockerVersion: "20.10.24", DockerComposeVersion: "1.29.2", GitVersion: "2.39.3",
		},
	},
	"md mirror of an SSD and a spinning disk is as slow as the disk": {
		out: `hostname=old
nproc=4
disk=sda 0
disk=sdb 1
net=enp3s0 100 1
`,
		want: facts.Facts{Hostname: "old", CPUCores: 4, StorageType: facts.StorageHDD, NetworkMbps: 100},
	},
	"container on overlayfs: device and link speed unknowable": {
		out: `hostname=spice-th-1
kernel=6.18.44-fc-v657
arch=aarch64
os=ID=debian
os=VERSION_ID="12"
nproc=2
meminfo=MemTotal:       24684092 kB
df=Filesystem     1024-blocks     Used Available Capacity Mounted on
df=overlay        264212084 23224828  72276436      25% /
root=0:120 overlay overlay
net=host0 10000 0
python3=Python 3.11.2
docker=
docker_compose=
git=
`,
		want: facts.Facts{
			Hostname: "spice-th-1", OSID: "debian", OSVersion: "12", Kernel: "6.18.44-fc-v657", Arch: "aarch64",
			CPUCores: 2, MemoryMB: 24105, StorageTotalGB: 270.6, StorageFreeGB: 74.0,
			StorageType: facts.StorageUnknown, PythonVersion: "3.11.2",
		},
	},
	"minimal system: nothing but uname, garbage ignored": {
		out:  "motd without equals sign\nhostname=tiny\nnproc=\nmeminfo=MemFree: 1 kB\ndf=Filesystem 1024-blocks\ndisk=mmcblk0 x\nfuture_key=1\n",
		want: facts.Facts{Hostname: "tiny", StorageType: facts.StorageUnknown},
	},
	"Xen disk told non-rotational by the hypervisor": {
		out:  "hostname=x\ndisk=xvda 0\n",
		want: facts.Facts{Hostname: "x", StorageType: facts.StorageSSD},
	},
}

func TestParse(t *testing.T) {
	for name, tc := range parseCases {
		t.Run(name, func(t *testing.T) {
			got, err := facts.Parse([]byte(tc.out))
			require.NoError(t, err)
			assert.Equal(t, tc.want, *got)
		})
	}
}

func TestParse_notTheScriptsOutput(t *testing.T) {
	for _, out := range []string{"", "Welcome to Ubuntu\n", "hostname=\n"} {
		_, err := facts.Parse([]byte(out))
		assert.ErrorContains(t, err, "no hostname", "%q", out)
	}
}

func TestParseOSRelease_quoting(t *testing.T) {
	got := facts.ParseOSRelease([]string{
		`# comment`,
		``,
		`ID=opensuse-leap`,
		`VERSION_ID="15.5"`,
		`NAME='openSUSE Leap'`,
		`PRETTY_NAME="Say \"hi\" \\ \$HOME"`,
		`VARIANT=Server\ Edition`,
		`BROKEN`,
		`UNTERMINATED="abc`,
	})
	assert.Equal(t, map[string]string{
		"ID":           "opensuse-leap",
		"VERSION_ID":   "15.5",
		"NAME":         "openSUSE Leap",
		"PRETTY_NAME":  `Say "hi" \ $HOME`,
		"VARIANT":      "Server Edition",
		"UNTERMINATED": "abc",
	}, got)
}

func TestNormalizeVersion(t *testing.T) {
	for in, want := range map[string]string{
		"Python 3.11.2":    "3.11.2",
		"Python 3.13.0rc1": "3.13.0",
		"Docker version 20.10.24+dfsg1, build 297e128":  "20.10.24",
		"Docker Compose version v2.27.0-desktop.1":      "2.27.0",
		"docker-compose version 1.29.2, build 5becea4c": "1.29.2",
		"git version 2.39.3 (Apple Git-145)":            "2.39.3",
		"podman version 4.3.1":                          "4.3.1",
		"":                                              "",
		"sh: 1: python3: not found":                     "",
		"Docker Compose version 2.0":                    "2.0",
		"git version 2.43.0.windows.1":                  "2.43.0",
	} {
		assert.Equal(t, want, facts.NormalizeVersion(in), in)
	}
}

// The script runs under dash (Debian's sh), bash in POSIX mode and busybox
// ash (Alpine's sh, where installed) alike and yields the same facts (free
// space aside: it changes while they run).
func TestScript_shells(t *testing.T) {
	var results []facts.Facts
	for _, sh := range [][]string{{"dash", "-c"}, {"bash", "--posix", "-c"}, {"busybox", "sh", "-c"}} {
		path, err := exec.LookPath(sh[0])
		if err != nil {
			continue
		}
		out, err := exec.Command(path, append(sh[1:], facts.Script)...).Output()
		require.NoError(t, err, sh[0])
		f, err := facts.Parse(out)
		require.NoError(t, err, sh[0])
		assert.NotZero(t, f.CPUCores, sh[0])
		f.StorageFreeGB = 0
		results = append(results, *f)
	}
	require.NotEmpty(t, results, "no POSIX shell found")
	for _, r := range results[1:] {
		assert.Equal(t, results[0], r)
	}
}

// Gather on this machine agrees with what the machine reports directly.
func TestGather_local(t *testing.T) {
	h, err := host.NewLocal("/")
	require.NoError(t, err)
	f, err := facts.Gather(context.Background(), h)
	require.NoError(t, err)

	hostname, err := os.Hostname()
	require.NoError(t, err)
	assert.Equal(t, hostname, f.Hostname)
	assert.Equal(t, strconv.Itoa(f.CPUCores), run(t, "nproc"))
	assert.Equal(t, run(t, "uname", "-r"), f.Kernel)
	assert.Equal(t, run(t, "uname", "-m"), f.Arch)

	meminfo, err := os.ReadFile("/proc/meminfo")
	require.NoError(t, err)
	var kb int64
	for _, l := range strings.Split(string(meminfo), "\n") {
		if rest, ok := strings.CutPrefix(l, "MemTotal:"); ok {
			kb, err = strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			require.NoError(t, err)
		}
	}
	assert.Equal(t, kb/1024, f.MemoryMB)

	osRelease, err := os.ReadFile("/etc/os-release")
	require.NoError(t, err)
	osr := facts.ParseOSRelease(strings.Split(string(osRelease), "\n"))
	assert.Equal(t, osr["ID"], f.OSID)
	assert.Equal(t, osr["VERSION_ID"], f.OSVersion)

	assert.Greater(t, f.StorageTotalGB, 0.0)
	assert.GreaterOrEqual(t, f.StorageTotalGB, f.StorageFreeGB)
	assert.Contains(t, []string{facts.StorageNVMe, facts.StorageSSD, facts.StorageHDD, facts.StorageUnknown}, f.StorageType)

	// Runtime versions: whatever the tools on PATH say, or not installed.
	for name, argv := range map[string][]string{
		"python": {"python3", "--version"},
		"docker": {"docker", "--version"},
		"git":    {"git", "--version"},
	} {
		want := ""
		if out, err := exec.Command(argv[0], argv[1:]...).Output(); err == nil {
			want = facts.NormalizeVersion(string(out))
		}
		assert.Equal(t, want, f.RuntimeVersion(name), name)
	}
}

// A host that cannot run the script is an error naming the host, not an
// empty set of facts.
func TestGather_failure(t *testing.T) {
	_, err := facts.Gather(context.Background(), failingHost{})
	assert.ErrorContains(t, err, "gathering facts on broken: no route to host")
}

type failingHost struct{ host.Host }

func (failingHost) Name() string { return "broken" }
func (failingHost) Run(context.Context, host.Command) (host.Result, error) {
	return host.Result{}, errNoRoute
}

var errNoRoute = errors.New("no route to host")

// The script inside a real systemd container (its own hostname, overlayfs
// root, veth network) parses into the container's facts, not this
// machine's.
func TestScript_inContainer(t *testing.T) {
	h := testhosts.Start(t, 1)[0]
	f, err := facts.Parse([]byte(h.Exec(t, "sh", "-c", facts.Script)))
	require.NoError(t, err)
	assert.Equal(t, strings.TrimSpace(h.Exec(t, "hostname")), f.Hostname)
	assert.Equal(t, strings.TrimSpace(h.Exec(t, "nproc")), strconv.Itoa(f.CPUCores))
	osr := facts.ParseOSRelease(strings.Split(h.Exec(t, "cat", "/etc/os-release"), "\n"))
	assert.Equal(t, osr["ID"], f.OSID)
	assert.NotZero(t, f.MemoryMB)
	assert.NotZero(t, f.StorageTotalGB)
	t.Logf("container facts: %+v", *f)
}

func run(t *testing.T, argv ...string) string {
	t.Helper()
	out, err := exec.Command(argv[0], argv[1:]...).Output()
	require.NoError(t, err, "%v", argv)
	return strings.TrimSpace(string(out))
}

// BenchmarkGather measures one round trip on this machine: one sh running
// every probe, dominated by the version commands it starts.
func BenchmarkGather(b *testing.B) {
	h, err := host.NewLocal("/")
	require.NoError(b, err)
	for b.Loop() {
		if _, err := facts.Gather(context.Background(), h); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGatherSSH is one Gather through a real sshd on 127.0.0.1 (one
// channel on an established connection); BenchmarkRunTrueSSH is the floor
// it is measured against, the cost of `ssh host true` on that connection.
func BenchmarkGatherSSH(b *testing.B) {
	h := benchSSH(b)
	for b.Loop() {
		if _, err := facts.Gather(context.Background(), h); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRunTrueSSH(b *testing.B) {
	h := benchSSH(b)
	for b.Loop() {
		if _, err := h.Run(context.Background(), host.Command{Argv: []string{"true"}}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchSSH(b *testing.B) *host.SSH {
	b.Helper()
	srv := sshd.Start(b)
	h, err := host.DialSSH(context.Background(), host.SSHConfig{
		Address: srv.Host, Port: srv.Port, PrivateKeyFile: srv.PrivateKeyFile, KnownHostsFile: srv.KnownHostsFile,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = h.Close() })
	return h
}
