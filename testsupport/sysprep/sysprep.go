// Package sysprep stands up, inside a test container, what the system
// preparation tests (packages, the checkout, the venv) need in place of
// the network, which containers do not have. Everything runs inside the
// container: this machine's /etc and package database are never touched.
package sysprep

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// AptRepoDir is the local apt repository inside a container.
const AptRepoDir = "/srv/spice-apt"

// AptCallLog is where the apt-get wrapper of LocalAptRepo logs each call.
const AptCallLog = "/var/log/spice-test-apt-get.log"

// Deb is a tiny package LocalAptRepo builds: a file
// /usr/share/NAME/VERSION.
type Deb struct{ Name, Version string }

// LocalAptRepo builds debs inside h with dpkg-deb, serves them as a
// trusted file: repository that is the container's only apt source (the
// others inherited from this machine are removed, so apt-get update never
// reaches out), and puts an apt-get wrapper first in the PATH that logs
// each call to AptCallLog.
func LocalAptRepo(t testing.TB, h *testhosts.Host, debs ...Deb) {
	t.Helper()
	var script strings.Builder
	script.WriteString("set -eu\nmkdir -p " + AptRepoDir + "\ncd " + AptRepoDir + "\n")
	for _, d := range debs {
		fmt.Fprintf(&script, `b=$(mktemp -d)
mkdir -p "$b/DEBIAN" "$b/usr/share/%[1]s"
echo %[2]s > "$b/usr/share/%[1]s/%[2]s"
printf 'Package: %%s\nVersion: %%s\nArchitecture: all\nMaintainer: spice tests <tests@spice.invalid>\nDescription: spice test package\n' %[1]s %[2]s > "$b/DEBIAN/control"
dpkg-deb --root-owner-group --build "$b" %[1]s_%[2]s_all.deb >/dev/null
rm -rf "$b"
`, d.Name, d.Version)
	}
	script.WriteString(`dpkg-scanpackages --multiversion . /dev/null 2>/dev/null > Packages
rm -f /etc/apt/sources.list /etc/apt/sources.list.d/*
echo 'deb [trusted=yes] file:` + AptRepoDir + ` ./' > /etc/apt/sources.list.d/spice-test.list
rm -f /var/lib/apt/periodic/update-success-stamp
cat > /usr/local/sbin/apt-get <<'WRAP'
#!/bin/sh
echo "$*" >> ` + AptCallLog + `
exec /usr/bin/apt-get "$@"
WRAP
chmod 0755 /usr/local/sbin/apt-get
`)
	RunScript(t, h, script.String())
}

// AptGetCalls returns the apt-get calls logged since the last call of
// AptGetCalls, and starts a new log.
func AptGetCalls(t testing.TB, h *testhosts.Host) []string {
	t.Helper()
	out := h.Exec(t, "sh", "-c", "cat "+AptCallLog+" 2>/dev/null; rm -f "+AptCallLog)
	return strings.FieldsFunc(out, func(r rune) bool { return r == '\n' })
}

// RunScript runs a shell script inside h as root and fails the test if it
// fails.
func RunScript(t testing.TB, h *testhosts.Host, script string) string {
	t.Helper()
	cmd := h.Command("sh", "-s")
	cmd.Stdin = strings.NewReader(script)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: script failed: %v\n%s\nstdout: %s\nstderr: %s", h.Name, err, script, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// GitRepo creates a bare repository at dir inside h with two commits,
// each writing VERSION ("v1", then "v2"), the first tagged v1 (annotated)
// and the second the head of main. It returns the two commit ids.
func GitRepo(t testing.TB, h *testhosts.Host, dir string) (first, second string) {
	t.Helper()
	out := RunScript(t, h, `set -eu
export GIT_AUTHOR_NAME=spice GIT_AUTHOR_EMAIL=tests@spice.invalid GIT_COMMITTER_NAME=spice GIT_COMMITTER_EMAIL=tests@spice.invalid
export GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z'
git init --quiet --bare --initial-branch=main `+dir+`
w=$(mktemp -d)
git init --quiet --initial-branch=main "$w"
cd "$w"
echo v1 > VERSION; git add VERSION; git commit --quiet -m v1; git tag -a -m v1 v1
echo v2 > VERSION; git commit --quiet -am v2
git push --quiet `+dir+` main v1
git rev-parse v1^{commit} HEAD
rm -rf "$w"
`)
	ids := strings.Fields(out)
	if len(ids) != 2 {
		t.Fatalf("git repository commits: %q", out)
	}
	return ids[0], ids[1]
}

// WheelDir is the wheelhouse Wheelhouse builds inside a container.
const WheelDir = "/srv/wheels"

// Wheelhouse builds, inside h, a wheel of a tiny package spicetestpkg for
// each version into WheelDir, offline (no index, no build isolation:
// Debian's python3-setuptools and python3-wheel build it). The package's
// VERSION is its version.
func Wheelhouse(t testing.TB, h *testhosts.Host, versions ...string) {
	t.Helper()
	var script strings.Builder
	script.WriteString("set -eu\nmkdir -p " + WheelDir + "\n")
	for _, v := range versions {
		fmt.Fprintf(&script, `src=$(mktemp -d)
mkdir "$src/spicetestpkg"
echo 'VERSION = "%[1]s"' > "$src/spicetestpkg/__init__.py"
printf 'from setuptools import setup\nsetup(name="spicetestpkg", version="%[1]s", packages=["spicetestpkg"])\n' > "$src/setup.py"
/usr/bin/python3 -m pip wheel --quiet --no-index --no-build-isolation --no-deps --disable-pip-version-check -w %[2]s "$src"
rm -rf "$src"
`, v, WheelDir)
	}
	RunScript(t, h, script.String())
}

// GitCommit pushes a commit writing VERSION=version onto main of the bare
// repository at dir inside h, and returns its id.
func GitCommit(t testing.TB, h *testhosts.Host, dir, version string) string {
	t.Helper()
	out := RunScript(t, h, `set -eu
export GIT_AUTHOR_NAME=spice GIT_AUTHOR_EMAIL=tests@spice.invalid GIT_COMMITTER_NAME=spice GIT_COMMITTER_EMAIL=tests@spice.invalid
w=$(mktemp -d)
git clone --quiet --branch main `+dir+` "$w"
cd "$w"
echo `+version+` > VERSION
git commit --quiet -am `+version+`
git push --quiet origin main
git rev-parse HEAD
rm -rf "$w"
`)
	return strings.TrimSpace(out)
}

// GitReleases creates a bare repository at dir inside h with one commit
// per release, in order, each writing VERSION (the release) and tagged
// with it (annotated). Fixed dates make the commit ids the same on every
// host. It returns the commit ids.
func GitReleases(t testing.TB, h *testhosts.Host, dir string, releases ...string) []string {
	t.Helper()
	var script strings.Builder
	script.WriteString(`set -eu
export GIT_AUTHOR_NAME=spice GIT_AUTHOR_EMAIL=tests@spice.invalid GIT_COMMITTER_NAME=spice GIT_COMMITTER_EMAIL=tests@spice.invalid
export GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z'
git init --quiet --bare --initial-branch=main ` + dir + `
w=$(mktemp -d)
git init --quiet --initial-branch=main "$w"
cd "$w"
`)
	for _, r := range releases {
		fmt.Fprintf(&script, "echo %[1]s > VERSION\ngit add VERSION\ngit commit --quiet -m %[1]s\ngit tag -a -m %[1]s %[1]s\ngit rev-parse HEAD\n", r)
	}
	script.WriteString("git push --quiet --tags " + dir + " main\nrm -rf \"$w\"\n")
	ids := strings.Fields(RunScript(t, h, script.String()))
	if len(ids) != len(releases) {
		t.Fatalf("git repository commits: %q", ids)
	}
	return ids
}
