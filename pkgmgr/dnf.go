package pkgmgr

import (
	"slices"
	"strings"
)

// Dnf is dnf and rpm on the RHEL family. Holds use the versionlock plugin
// (python3-dnf-plugin-versionlock), which must be installed.
type Dnf struct{}

func (Dnf) Name() string { return "dnf" }

func (Dnf) QueryArgv() []string {
	return []string{"rpm", "-qa", "--qf", `%{NAME}\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\n`}
}

// ParseQuery reads rpm's NAME, EPOCH:VERSION-RELEASE lines; the epoch is
// left out when it is 0, as dnf prints versions.
func (Dnf) ParseQuery(out []byte) (map[string]Installed, error) {
	installed := map[string]Installed{}
	for _, line := range strings.Split(string(out), "\n") {
		name, evr, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		if _, dup := installed[name]; !dup {
			installed[name] = Installed{Version: strings.TrimPrefix(evr, "0:")}
		}
	}
	return installed, nil
}

// HoldsArgv lists the versionlock entries, NAME-EPOCH:VERSION-RELEASE.*
func (Dnf) HoldsArgv() []string { return []string{"dnf", "-q", "versionlock", "list"} }

// ParseHolds reads dnf versionlock list into the names it locks.
func ParseHolds(out []byte, installed map[string]Installed) {
	for _, line := range strings.Fields(string(out)) {
		for name, inst := range installed {
			if strings.HasPrefix(line, name+"-") && strings.Contains(line[len(name)+1:], strings.SplitN(inst.Version, "-", 2)[0]) {
				inst.Held = true
				installed[name] = inst
			}
		}
	}
}

func (Dnf) AvailableArgv(names []string) []string {
	return append([]string{"dnf", "-q", "repoquery", "--qf", `%{name}\t%{evr}`}, names...)
}

// ParseAvailable reads repoquery's NAME, EVR lines. dnf lists them
// oldest first; the newest goes first here.
func (Dnf) ParseAvailable(out []byte) map[string][]string {
	available := map[string][]string{}
	for _, line := range strings.Split(string(out), "\n") {
		name, evr, ok := strings.Cut(strings.TrimSpace(line), "\t")
		if !ok {
			continue
		}
		evr = strings.TrimPrefix(evr, "0:")
		if !slices.Contains(available[name], evr) {
			available[name] = append([]string{evr}, available[name]...)
		}
	}
	return available
}

// TransactionArgv is dnf install, then dnf remove: dnf takes one verb per
// run (only its interactive shell mixes them).
func (Dnf) TransactionArgv(install, remove []string, recommends bool) [][]string {
	base := []string{"dnf", "-y", "-q", "--setopt=install_weak_deps=" + map[bool]string{true: "True", false: "False"}[recommends]}
	var runs [][]string
	if len(install) > 0 {
		runs = append(runs, append(append(append([]string{}, base...), "install"), install...))
	}
	if len(remove) > 0 {
		runs = append(runs, append(append(append([]string{}, base...), "remove"), remove...))
	}
	return runs
}

func (Dnf) Spec(name, version string) string {
	if version == "" {
		return name
	}
	return name + "-" + version
}

func (Dnf) HoldArgv(names []string, hold bool) []string {
	verb := "delete"
	if hold {
		verb = "add"
	}
	return append([]string{"dnf", "-q", "versionlock", verb}, names...)
}

// UpdateArgv: dnf refreshes its metadata by itself (metadata_expire).
func (Dnf) UpdateArgv() []string { return nil }
