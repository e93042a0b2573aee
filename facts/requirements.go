package facts

import (
	"fmt"
	"slices"
	"strings"

	version "github.com/hashicorp/go-version"
)

// Profile is one cell of the operations manual's hardware tables
// ("System Requirements": minimum and recommended configuration for
// development and production).
type Profile struct {
	CPUCores    int64
	MemoryGB    int64
	StorageGB   int64
	StorageType string // "ssd" or "nvme"
	NetworkMbps int64
}

// Profiles are the manual's tables, by profile and tier.
var Profiles = map[string]map[string]Profile{
	"development": {
		"minimum":     {CPUCores: 2, MemoryGB: 8, StorageGB: 50, StorageType: "ssd", NetworkMbps: 100},
		"recommended": {CPUCores: 4, MemoryGB: 16, StorageGB: 100, StorageType: "ssd", NetworkMbps: 1000},
	},
	"production": {
		"minimum":     {CPUCores: 8, MemoryGB: 32, StorageGB: 500, StorageType: "ssd", NetworkMbps: 1000},
		"recommended": {CPUCores: 16, MemoryGB: 64, StorageGB: 1000, StorageType: "nvme", NetworkMbps: 10000},
	},
}

// Tolerance is the share of a nominal size a host must have to meet it.
// Memory: the kernel and firmware reserve part of the installed RAM, so a
// 32 GB machine reports about 31.3 GiB of MemTotal. Storage: disks are sold
// in decimal gigabytes and the filesystem keeps some for its metadata.
const Tolerance = 0.9

// Minimum is one numeric requirement and where it came from ("min_cpu_cores"
// or "production/recommended"), for messages. Value 0 means none.
type Minimum struct {
	Value int64
	From  string
}

// Runtimes are the runtime requirement keys, as the runtimes map takes them.
var Runtimes = []string{"docker", "docker_compose", "git", "python"}

// Requirements is what a host must meet.
type Requirements struct {
	CPUCores    Minimum
	MemoryGB    Minimum
	StorageGB   Minimum
	NetworkMbps Minimum
	// StorageType is "ssd" (an NVMe disk is an SSD too), "nvme", or "" /
	// "any" for no requirement; StorageTypeFrom names its origin.
	StorageType     string
	StorageTypeFrom string
	// OS is an allow-list; empty allows any OS.
	OS []OSRule
	// Runtimes maps a key of Runtimes to its version constraint.
	Runtimes map[string]Constraint
}

// FromProfile returns the requirements of a profile and tier.
func FromProfile(profile, tier string) (Requirements, error) {
	tiers, ok := Profiles[profile]
	if !ok {
		return Requirements{}, fmt.Errorf("unknown profile %q (want development or production)", profile)
	}
	p, ok := tiers[tier]
	if !ok {
		return Requirements{}, fmt.Errorf("unknown tier %q (want minimum or recommended)", tier)
	}
	from := profile + "/" + tier
	return Requirements{
		CPUCores:        Minimum{p.CPUCores, from},
		MemoryGB:        Minimum{p.MemoryGB, from},
		StorageGB:       Minimum{p.StorageGB, from},
		NetworkMbps:     Minimum{p.NetworkMbps, from},
		StorageType:     p.StorageType,
		StorageTypeFrom: from,
	}, nil
}

// Constraint is a parsed version constraint that remembers how it was written.
type Constraint struct {
	Text string
	c    version.Constraints
}

// ParseConstraint parses a constraint in go-version syntax: ">=3.9",
// "~> 2.0", ">= 20.10, < 30".
func ParseConstraint(s string) (Constraint, error) {
	c, err := version.NewConstraint(s)
	if err != nil {
		return Constraint{}, fmt.Errorf("version constraint %q: %w", s, err)
	}
	return Constraint{Text: strings.TrimSpace(s), c: c}, nil
}

// Check reports whether v (a dotted version) satisfies the constraint.
func (c Constraint) Check(v string) bool {
	parsed, err := version.NewVersion(v)
	return err == nil && c.c.Check(parsed)
}

// OSRule is one entry of an OS allow-list: an os-release ID and an optional
// version constraint, written "ubuntu>=20.04", "debian >= 11, < 14" or
// just "debian".
type OSRule struct {
	Text       string
	ID         string
	Constraint *Constraint
}

// ParseOSRule parses an allow-list entry. The ID is everything before the
// first operator character or space; IDs are lower-case letters, digits,
// ".", "_" and "-" (os-release(5)).
func ParseOSRule(s string) (OSRule, error) {
	text := strings.TrimSpace(s)
	i := strings.IndexAny(text, "<>=!~ ")
	if i < 0 {
		i = len(text)
	}
	id := text[:i]
	if id == "" {
		return OSRule{}, fmt.Errorf("%q: want an os-release ID such as \"ubuntu\", optionally followed by a version constraint such as \">=20.04\"", s)
	}
	for _, r := range id {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '.' && r != '_' && r != '-' {
			return OSRule{}, fmt.Errorf("%q: %q is not an os-release ID (lower-case letters, digits, \".\", \"_\", \"-\")", s, id)
		}
	}
	rule := OSRule{Text: text, ID: id}
	if rest := strings.TrimSpace(text[i:]); rest != "" {
		c, err := ParseConstraint(rest)
		if err != nil {
			return OSRule{}, fmt.Errorf("%q: %w", s, err)
		}
		rule.Constraint = &c
	}
	return rule, nil
}

// Allows reports whether the rule admits an OS.
func (r OSRule) Allows(id, ver string) bool {
	if id != r.ID {
		return false
	}
	return r.Constraint == nil || r.Constraint.Check(ver)
}

// Check compares facts with the requirements. Violations are unmet
// requirements, each naming the requirement, the declared and the actual
// value. Notes are requirements that could not be checked because the fact
// is unknown (network speed inside a VM, storage type on overlayfs): they
// are not violations, since failing a plan on what cannot be seen would
// make the requirement unusable there.
func (r Requirements) Check(f *Facts) (violations, notes []string) {
	fail := func(format string, args ...any) { violations = append(violations, fmt.Sprintf(format, args...)) }
	note := func(format string, args ...any) { notes = append(notes, fmt.Sprintf(format, args...)) }

	if m := r.CPUCores; m.Value > 0 {
		switch {
		case f.CPUCores == 0:
			note("cpu_cores: unknown, want at least %d (%s)", m.Value, m.From)
		case int64(f.CPUCores) < m.Value:
			fail("cpu_cores: %d < %d (%s)", f.CPUCores, m.Value, m.From)
		}
	}
	if m := r.MemoryGB; m.Value > 0 {
		switch {
		case f.MemoryMB == 0:
			note("memory: unknown, want %d GB (%s)", m.Value, m.From)
		case float64(f.MemoryMB) < float64(m.Value)*1024*Tolerance:
			fail("memory: %.1f GB < %d GB (%s)", float64(f.MemoryMB)/1024, m.Value, m.From)
		}
	}
	if m := r.StorageGB; m.Value > 0 {
		switch {
		case f.StorageTotalGB == 0:
			note("storage: size of / unknown, want %d GB (%s)", m.Value, m.From)
		case f.StorageTotalGB < float64(m.Value)*Tolerance:
			fail("storage: %.1f GB < %d GB (%s)", f.StorageTotalGB, m.Value, m.From)
		}
	}
	if want := r.StorageType; want == StorageSSD || want == StorageNVMe {
		got := f.StorageType
		switch {
		case got == "" || got == StorageUnknown:
			note("storage_type: unknown, want %s (%s)", want, r.StorageTypeFrom)
		case got == StorageHDD, want == StorageNVMe && got != StorageNVMe:
			fail("storage_type: %s, want %s (%s)", got, want, r.StorageTypeFrom)
		}
	}
	if m := r.NetworkMbps; m.Value > 0 {
		switch {
		case f.NetworkMbps == 0:
			note("network: link speed unknown, want %d Mbps (%s)", m.Value, m.From)
		case f.NetworkMbps < m.Value:
			fail("network: %d Mbps < %d Mbps (%s)", f.NetworkMbps, m.Value, m.From)
		}
	}
	if len(r.OS) > 0 && !slices.ContainsFunc(r.OS, func(o OSRule) bool { return o.Allows(f.OSID, f.OSVersion) }) {
		allowed := make([]string, len(r.OS))
		for i, o := range r.OS {
			allowed[i] = o.Text
		}
		fail("os: %s is not one of %s", describeOS(f), strings.Join(allowed, ", "))
	}
	for _, name := range Runtimes {
		c, ok := r.Runtimes[name]
		if !ok {
			continue
		}
		switch got := f.RuntimeVersion(name); {
		case got == "":
			fail("runtimes.%s: not installed, want %s", name, c.Text)
		case !c.Check(got):
			fail("runtimes.%s: %s does not satisfy %s", name, got, c.Text)
		}
	}
	return violations, notes
}

func describeOS(f *Facts) string {
	switch {
	case f.OSID == "":
		return "unknown (no os-release)"
	case f.OSVersion == "":
		return f.OSID + " (no VERSION_ID)"
	default:
		return f.OSID + " " + f.OSVersion
	}
}

// RuntimeVersion is the version of a runtime by its requirement key.
func (f *Facts) RuntimeVersion(name string) string {
	switch name {
	case "python":
		return f.PythonVersion
	case "docker":
		return f.DockerVersion
	case "docker_compose":
		return f.DockerComposeVersion
	case "git":
		return f.GitVersion
	}
	return ""
}
