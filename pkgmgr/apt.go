package pkgmgr

import (
	"bufio"
	"bytes"
	"slices"
	"strings"
)

// dpkgLockTimeout is how long apt waits for another apt or dpkg (an
// unattended upgrade) to release its lock, instead of failing at once.
const dpkgLockTimeout = "300"

// Apt is apt-get, apt-cache, apt-mark and dpkg-query on Debian and Ubuntu.
type Apt struct{}

func (Apt) Name() string { return "apt" }

// aptEnv runs apt without questions, whatever the host's debconf says.
var aptEnv = []string{"env", "DEBIAN_FRONTEND=noninteractive"}

func (Apt) QueryArgv() []string {
	return []string{"dpkg-query", "-W", "-f", `${Package}\t${Version}\t${db:Status-Want}\t${db:Status-Status}\n`}
}

// ParseQuery keeps the packages whose status is "installed": removed
// packages keep their configuration files, and a row ("rc"), in dpkg's
// database.
func (Apt) ParseQuery(out []byte) (map[string]Installed, error) {
	installed := map[string]Installed{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 4 || f[3] != "installed" {
			continue
		}
		if _, dup := installed[f[0]]; dup {
			continue // a Multi-Arch: same package installed for two architectures
		}
		installed[f[0]] = Installed{Version: f[1], Held: f[2] == "hold"}
	}
	return installed, sc.Err()
}

func (Apt) HoldsArgv() []string { return nil }

func (Apt) AvailableArgv(names []string) []string {
	return append([]string{"apt-cache", "madison"}, names...)
}

// ParseAvailable reads apt-cache madison: "NAME | VERSION | SOURCE" lines,
// newest first. Source packages ("Sources" lines) are not installable.
func (Apt) ParseAvailable(out []byte) map[string][]string {
	available := map[string][]string{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Split(line, "|")
		if len(f) != 3 || strings.HasSuffix(strings.TrimSpace(f[2]), "Sources") {
			continue
		}
		name, version := strings.TrimSpace(f[0]), strings.TrimSpace(f[1])
		if !slices.Contains(available[name], version) {
			available[name] = append(available[name], version)
		}
	}
	return available
}

// TransactionArgv is one apt-get install: "NAME-" removes NAME in the same
// transaction. Held packages may change because the configuration names
// them (a new version, a removal); everything else stays as it is.
func (Apt) TransactionArgv(install, remove []string, recommends bool) [][]string {
	argv := append(append([]string{}, aptEnv...), "apt-get", "-y", "-q",
		"-o", "DPkg::Lock::Timeout="+dpkgLockTimeout,
		"-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold",
		"--allow-change-held-packages")
	if !recommends {
		argv = append(argv, "--no-install-recommends")
	}
	argv = append(argv, "install")
	argv = append(argv, install...)
	for _, r := range remove {
		argv = append(argv, r+"-")
	}
	return [][]string{argv}
}

func (Apt) Spec(name, version string) string {
	if version == "" {
		return name
	}
	return name + "=" + version
}

func (Apt) HoldArgv(names []string, hold bool) []string {
	verb := "unhold"
	if hold {
		verb = "hold"
	}
	return append([]string{"apt-mark", verb}, names...)
}

func (Apt) UpdateArgv() []string {
	return append(append([]string{}, aptEnv...), "apt-get", "-q", "-o", "DPkg::Lock::Timeout="+dpkgLockTimeout, "update")
}
