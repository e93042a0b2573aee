package facts_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/facts"
)

// Hosts to check the manual's tables against.
var (
	// This CI machine: a 2-core VM with 24 GiB, a virtio disk and a
	// virtio NIC (neither the disk kind nor the link speed is visible).
	smallVM = facts.Facts{
		Hostname: "vm", OSID: "debian", OSVersion: "12", CPUCores: 2, MemoryMB: 24105,
		StorageTotalGB: 270.6, StorageType: facts.StorageUnknown,
		PythonVersion: "3.11.7", DockerVersion: "28.2.2", GitVersion: "2.39.5",
	}
	// A server built to the production minimum: 32 GB of RAM shows as
	// 31.1 GiB of MemTotal, a 500 GB SSD as 492 GB of filesystem.
	prodMinimum = facts.Facts{
		Hostname: "oms1", OSID: "ubuntu", OSVersion: "22.04", CPUCores: 8, MemoryMB: 31850,
		StorageTotalGB: 492.1, StorageType: facts.StorageSSD, NetworkMbps: 1000,
	}
	// A server built to the production recommendation.
	prodRecommended = facts.Facts{
		Hostname: "oms2", OSID: "ubuntu", OSVersion: "24.04", CPUCores: 32, MemoryMB: 128751,
		StorageTotalGB: 982.8, StorageType: facts.StorageNVMe, NetworkMbps: 10000,
	}
	// An old development box with a spinning disk and Fast Ethernet.
	oldDesktop = facts.Facts{
		Hostname: "dev", OSID: "centos", OSVersion: "7", CPUCores: 4, MemoryMB: 5900,
		StorageTotalGB: 40, StorageType: facts.StorageHDD, NetworkMbps: 100,
	}
)

func TestCheck_profiles(t *testing.T) {
	type result struct{ violations, notes []string }
	for _, tc := range []struct {
		profile, tier string
		host          facts.Facts
		want          result
	}{
		{"development", "minimum", smallVM, result{
			notes: []string{
				"storage_type: unknown, want ssd (development/minimum)",
				"network: link speed unknown, want 100 Mbps (development/minimum)",
			},
		}},
		{"development", "recommended", smallVM, result{
			violations: []string{"cpu_cores: 2 < 4 (development/recommended)"},
			notes: []string{
				"storage_type: unknown, want ssd (development/recommended)",
				"network: link speed unknown, want 1000 Mbps (development/recommended)",
			},
		}},
		{"production", "minimum", smallVM, result{
			violations: []string{
				"cpu_cores: 2 < 8 (production/minimum)",
				"memory: 23.5 GB < 32 GB (production/minimum)",
				"storage: 270.6 GB < 500 GB (production/minimum)",
			},
			notes: []string{
				"storage_type: unknown, want ssd (production/minimum)",
				"network: link speed unknown, want 1000 Mbps (production/minimum)",
			},
		}},
		{"production", "recommended", smallVM, result{
			violations: []string{
				"cpu_cores: 2 < 16 (production/recommended)",
				"memory: 23.5 GB < 64 GB (production/recommended)",
				"storage: 270.6 GB < 1000 GB (production/recommended)",
			},
			notes: []string{
				"storage_type: unknown, want nvme (production/recommended)",
				"network: link speed unknown, want 10000 Mbps (production/recommended)",
			},
		}},
		// The nominal 32 GB and 500 GB pass through the 90% rule.
		{"production", "minimum", prodMinimum, result{}},
		{"production", "recommended", prodMinimum, result{
			violations: []string{
				"cpu_cores: 8 < 16 (production/recommended)",
				"memory: 31.1 GB < 64 GB (production/recommended)",
				"storage: 492.1 GB < 1000 GB (production/recommended)",
				"storage_type: ssd, want nvme (production/recommended)",
				"network: 1000 Mbps < 10000 Mbps (production/recommended)",
			},
		}},
		{"production", "recommended", prodRecommended, result{}},
		{"development", "recommended", prodRecommended, result{}},
		{"development", "minimum", oldDesktop, result{
			violations: []string{
				"memory: 5.8 GB < 8 GB (development/minimum)",
				"storage: 40.0 GB < 50 GB (development/minimum)",
				"storage_type: hdd, want ssd (development/minimum)",
			},
		}},
	} {
		t.Run(tc.profile+"/"+tc.tier+"/"+tc.host.Hostname, func(t *testing.T) {
			reqs, err := facts.FromProfile(tc.profile, tc.tier)
			require.NoError(t, err)
			violations, notes := reqs.Check(&tc.host)
			assert.Equal(t, tc.want, result{violations, notes})
		})
	}
}

func TestCheck_toleranceBoundary(t *testing.T) {
	reqs := facts.Requirements{
		MemoryGB:  facts.Minimum{Value: 10, From: "min_memory_gb"},
		StorageGB: facts.Minimum{Value: 100, From: "min_storage_gb"},
	}
	// 90% of 10 GiB is 9216 MiB; 90% of 100 GB is 90 GB.
	v, _ := reqs.Check(&facts.Facts{MemoryMB: 9216, StorageTotalGB: 90})
	assert.Empty(t, v)
	v, _ = reqs.Check(&facts.Facts{MemoryMB: 9215, StorageTotalGB: 89.9})
	assert.Equal(t, []string{
		"memory: 9.0 GB < 10 GB (min_memory_gb)",
		"storage: 89.9 GB < 100 GB (min_storage_gb)",
	}, v)
}

func TestCheck_storageType(t *testing.T) {
	for _, tc := range []struct {
		want, got string
		violation bool
		note      bool
	}{
		{"ssd", facts.StorageSSD, false, false},
		{"ssd", facts.StorageNVMe, false, false}, // NVMe is an SSD
		{"ssd", facts.StorageHDD, true, false},
		{"ssd", facts.StorageUnknown, false, true},
		{"nvme", facts.StorageNVMe, false, false},
		{"nvme", facts.StorageSSD, true, false},
		{"nvme", facts.StorageHDD, true, false},
		{"any", facts.StorageHDD, false, false},
		{"", facts.StorageUnknown, false, false},
	} {
		v, n := facts.Requirements{StorageType: tc.want, StorageTypeFrom: "storage_type"}.Check(&facts.Facts{StorageType: tc.got})
		assert.Equal(t, tc.violation, len(v) == 1, "want %s, have %s: %v", tc.want, tc.got, v)
		assert.Equal(t, tc.note, len(n) == 1, "want %s, have %s: %v", tc.want, tc.got, n)
	}
}

// Unknown facts are notes, never violations; known ones are checked.
func TestCheck_unknownFacts(t *testing.T) {
	reqs, err := facts.FromProfile("development", "minimum")
	require.NoError(t, err)
	v, n := reqs.Check(&facts.Facts{Hostname: "blank"})
	assert.Empty(t, v)
	assert.Equal(t, []string{
		"cpu_cores: unknown, want at least 2 (development/minimum)",
		"memory: unknown, want 8 GB (development/minimum)",
		"storage: size of / unknown, want 50 GB (development/minimum)",
		"storage_type: unknown, want ssd (development/minimum)",
		"network: link speed unknown, want 100 Mbps (development/minimum)",
	}, n)
}

func TestCheck_osAndRuntimes(t *testing.T) {
	rules := func(texts ...string) []facts.OSRule {
		var out []facts.OSRule
		for _, s := range texts {
			r, err := facts.ParseOSRule(s)
			require.NoError(t, err, s)
			out = append(out, r)
		}
		return out
	}
	constraints := func(m map[string]string) map[string]facts.Constraint {
		out := map[string]facts.Constraint{}
		for k, s := range m {
			c, err := facts.ParseConstraint(s)
			require.NoError(t, err, s)
			out[k] = c
		}
		return out
	}
	manual := constraints(map[string]string{"python": ">=3.9", "docker": ">=20.10", "docker_compose": ">=2.0", "git": ">=2.25"})
	for name, tc := range map[string]struct {
		reqs facts.Requirements
		host facts.Facts
		want []string
	}{
		"debian 12 allowed": {
			facts.Requirements{OS: rules("ubuntu>=20.04", "debian>=11")},
			facts.Facts{OSID: "debian", OSVersion: "12"}, nil,
		},
		"ubuntu versions compare numerically, not as text": {
			facts.Requirements{OS: rules("ubuntu >= 20.04")},
			facts.Facts{OSID: "ubuntu", OSVersion: "22.04"}, nil,
		},
		"ubuntu too old": {
			facts.Requirements{OS: rules("ubuntu>=20.04", "centos>=8")},
			facts.Facts{OSID: "ubuntu", OSVersion: "18.04"},
			[]string{"os: ubuntu 18.04 is not one of ubuntu>=20.04, centos>=8"},
		},
		"range": {
			facts.Requirements{OS: rules("debian>=11, <13")},
			facts.Facts{OSID: "debian", OSVersion: "13"},
			[]string{"os: debian 13 is not one of debian>=11, <13"},
		},
		"any version of an ID": {
			facts.Requirements{OS: rules("arch")},
			facts.Facts{OSID: "arch"}, nil,
		},
		"a rolling release has no version to compare": {
			facts.Requirements{OS: rules("debian>=11")},
			facts.Facts{OSID: "debian"},
			[]string{"os: debian (no VERSION_ID) is not one of debian>=11"},
		},
		"no os-release fails an allow-list": {
			facts.Requirements{OS: rules("debian")},
			facts.Facts{},
			[]string{"os: unknown (no os-release) is not one of debian"},
		},
		"ID_LIKE does not count: ubuntu is not debian": {
			facts.Requirements{OS: rules("debian>=11")},
			facts.Facts{OSID: "ubuntu", OSVersion: "22.04"},
			[]string{"os: ubuntu 22.04 is not one of debian>=11"},
		},
		"the manual's runtimes, all met": {
			facts.Requirements{Runtimes: manual},
			facts.Facts{PythonVersion: "3.11.2", DockerVersion: "20.10.24", DockerComposeVersion: "2.21.0", GitVersion: "2.39.5"}, nil,
		},
		"the manual's runtimes, on an old host": {
			facts.Requirements{Runtimes: manual},
			facts.Facts{PythonVersion: "3.8.10", DockerVersion: "19.03.13", DockerComposeVersion: "1.29.2", GitVersion: "2.25.0"},
			[]string{
				"runtimes.docker: 19.03.13 does not satisfy >=20.10",
				"runtimes.docker_compose: 1.29.2 does not satisfy >=2.0",
				"runtimes.python: 3.8.10 does not satisfy >=3.9",
			},
		},
		"not installed": {
			facts.Requirements{Runtimes: constraints(map[string]string{"docker_compose": "~> 2.0"})},
			facts.Facts{DockerVersion: "28.2.2"},
			[]string{"runtimes.docker_compose: not installed, want ~> 2.0"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			v, n := tc.reqs.Check(&tc.host)
			assert.Equal(t, tc.want, v)
			assert.Empty(t, n)
		})
	}
}

func TestParseOSRule(t *testing.T) {
	for _, tc := range []struct{ in, id string }{
		{"ubuntu>=20.04", "ubuntu"},
		{" debian >= 11 ", "debian"},
		{"centos", "centos"},
		{"opensuse-leap~>15.4", "opensuse-leap"},
		{"rhel!=8.0", "rhel"},
	} {
		r, err := facts.ParseOSRule(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.id, r.ID, tc.in)
	}
	for in, msg := range map[string]string{
		"":               "want an os-release ID",
		">=20.04":        "want an os-release ID",
		"Ubuntu>=20.04":  `"Ubuntu" is not an os-release ID`,
		"ubuntu>>20.04":  "version constraint",
		"ubuntu>=twenty": "version constraint",
		"ubuntu 20.04":   "", // a bare version is an exact constraint
	} {
		_, err := facts.ParseOSRule(in)
		if msg == "" {
			assert.NoError(t, err, in)
			continue
		}
		assert.ErrorContains(t, err, msg, in)
	}
}

func TestFromProfile_unknown(t *testing.T) {
	_, err := facts.FromProfile("staging", "minimum")
	assert.ErrorContains(t, err, `unknown profile "staging"`)
	_, err = facts.FromProfile("production", "maximum")
	assert.ErrorContains(t, err, `unknown tier "maximum"`)
}
