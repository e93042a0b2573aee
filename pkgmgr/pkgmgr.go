// Package pkgmgr drives a host's package manager: apt on Debian and its
// derivatives, dnf on the RHEL family. It builds the commands, parses what
// they print, and batches the package changes of one host into one
// transaction (see Batcher).
package pkgmgr

import (
	"fmt"
	"slices"
	"strings"
)

// Installed is what the package database says about one package.
type Installed struct {
	Version string
	Held    bool // apt-mark hold / dnf versionlock
}

// Manager is one package manager's commands and output formats.
type Manager interface {
	// Name is "apt" or "dnf".
	Name() string
	// QueryArgv lists every installed package; ParseQuery reads it.
	QueryArgv() []string
	ParseQuery(out []byte) (map[string]Installed, error)
	// HoldsArgv lists held packages when the query does not say; nil
	// when it does.
	HoldsArgv() []string
	// AvailableArgv lists the versions the repositories offer for names;
	// ParseAvailable reads them, the preferred (newest) first.
	AvailableArgv(names []string) []string
	ParseAvailable(out []byte) map[string][]string
	// TransactionArgv installs (NAME or NAME=VERSION as Spec renders it)
	// and removes in one run of the package manager, or as few as it
	// allows.
	TransactionArgv(install, remove []string, recommends bool) [][]string
	// Spec is how a transaction names a package at an exact version.
	Spec(name, version string) string
	// HoldArgv holds (or releases) names at their installed version.
	HoldArgv(names []string, hold bool) []string
	// UpdateArgv refreshes the repository metadata (apt update); nil when
	// the manager refreshes by itself.
	UpdateArgv() []string
}

// For picks the manager of an OS from its os-release ID and ID_LIKE.
func For(osID, osLike string) (Manager, error) {
	ids := append([]string{osID}, strings.Fields(osLike)...)
	for _, id := range ids {
		switch id {
		case "debian", "ubuntu":
			return Apt{}, nil
		case "rhel", "fedora", "centos":
			return Dnf{}, nil
		}
	}
	return nil, fmt.Errorf("no supported package manager for OS %q (ID_LIKE %q): spice_package knows apt (Debian, Ubuntu) and dnf (RHEL, Fedora)", osID, osLike)
}

// Matches tells whether the installed version satisfies want: any version
// when want is empty, a prefix when want ends in "*" ("3.11.*"), else the
// exact version.
func Matches(want, installed string) bool {
	if installed == "" {
		return false
	}
	if want == "" {
		return true
	}
	if prefix, ok := strings.CutSuffix(want, "*"); ok {
		return strings.HasPrefix(installed, prefix)
	}
	return installed == want
}

// Choose picks the version to install from available (preferred first):
// the first that matches want, or "" when none does.
func Choose(want string, available []string) string {
	i := slices.IndexFunc(available, func(v string) bool { return Matches(want, v) })
	if i < 0 {
		return ""
	}
	return available[i]
}

// CheckVersion says what is wrong with a version attribute: spaces, or a
// "*" anywhere but at the end.
func CheckVersion(v string) error {
	switch {
	case strings.ContainsAny(v, " \t\n"):
		return fmt.Errorf("%q holds white space", v)
	case strings.Contains(strings.TrimSuffix(v, "*"), "*"):
		return fmt.Errorf("%q: only a trailing * is allowed (a prefix such as \"3.11.*\")", v)
	case v == "*":
		return fmt.Errorf("%q: leave version unset for any version", v)
	}
	return nil
}
