package facts_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/facts"
)

// FuzzParse: whatever a host prints (a login banner, a broken shell, a
// hostile machine), Parse does not panic and either refuses it or gives
// facts a requirement can be checked against: no negative size, a known
// storage type, dotted versions. The facts, printed again the way Script
// prints them, parse to the same facts. Seeds: outputs captured on real
// machines (parseCases).
func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add([]byte(tc.out))
	}
	for _, s := range []string{"", "Welcome to Ubuntu\n", "hostname=\n", "hostname=a\nos=ID='x\nos=VERSION_ID=\"1\\\"\ndisk=nvme0n1\n",
		"hostname=h\nmeminfo=MemTotal: -1 kB\nnproc=-3\ndf=x\ndf=a -1 0 -5 1% /\nnet=e 99999999999999999999 1\n"} {
		f.Add([]byte(s))
	}
	requirements := []facts.Requirements{}
	for _, tiers := range facts.Profiles {
		for tier := range tiers {
			for profile := range facts.Profiles {
				if r, err := facts.FromProfile(profile, tier); err == nil {
					requirements = append(requirements, r)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, out []byte) {
		got, err := facts.Parse(out)
		if err != nil {
			return
		}
		if got.Hostname == "" || got.CPUCores < 0 || got.MemoryMB < 0 || got.StorageTotalGB < 0 || got.StorageFreeGB < 0 || got.NetworkMbps < 0 {
			t.Fatalf("impossible facts %+v", *got)
		}
		if !slices.Contains([]string{facts.StorageUnknown, facts.StorageHDD, facts.StorageSSD, facts.StorageNVMe}, got.StorageType) {
			t.Fatalf("storage type %q", got.StorageType)
		}
		for _, v := range []string{got.PythonVersion, got.DockerVersion, got.DockerComposeVersion, got.GitVersion} {
			if v != facts.NormalizeVersion(v) {
				t.Fatalf("version %q is not a dotted number", v)
			}
		}
		for _, r := range requirements {
			r.Check(got)
		}
		again, err := facts.Parse([]byte(printFacts(got)))
		if err != nil {
			t.Fatalf("facts %+v printed again: %v\n%s", *got, err, printFacts(got))
		}
		if *again != *got {
			t.Fatalf("facts printed again read back as %+v, want %+v\n%s", *again, *got, printFacts(got))
		}
	})
}

// printFacts prints facts as Script would have printed them; storage sizes
// are given in the KiB that round to them.
func printFacts(f *facts.Facts) string {
	var b strings.Builder
	line := func(key, value string) { b.WriteString(key + "=" + value + "\n") }
	line("hostname", f.Hostname)
	line("kernel", f.Kernel)
	line("arch", f.Arch)
	line("os", "ID="+shellQuote(f.OSID))
	line("os", "VERSION_ID="+shellQuote(f.OSVersion))
	line("nproc", fmt.Sprint(f.CPUCores))
	line("meminfo", fmt.Sprintf("MemTotal: %d kB", f.MemoryMB*1024))
	line("df", "Filesystem 1024-blocks Used Available Capacity Mounted on")
	line("df", fmt.Sprintf("/dev/root %d 0 %d 1%% /", gbToKiB(f.StorageTotalGB), gbToKiB(f.StorageFreeGB)))
	switch f.StorageType {
	case facts.StorageNVMe:
		line("disk", "nvme0n1 0")
	case facts.StorageSSD:
		line("disk", "sda 0")
	case facts.StorageHDD:
		line("disk", "sda 1")
	}
	line("net", fmt.Sprintf("eth0 %d 1", f.NetworkMbps))
	line("python3", "Python "+f.PythonVersion)
	line("docker", "Docker version "+f.DockerVersion)
	line("docker_compose", "Docker Compose version v"+f.DockerComposeVersion)
	line("git", "git version "+f.GitVersion)
	return b.String()
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// gbToKiB inverts the decimal-gigabyte rounding Parse applies to df's KiB.
func gbToKiB(gb float64) int64 { return int64(gb * 1e9 / 1024) }

// FuzzParseOSRule: an allow-list entry either is refused with an error or
// reads back the same from its own text, and checking an OS against it
// never panics.
func FuzzParseOSRule(f *testing.F) {
	for _, s := range []string{"ubuntu>=20.04", " debian >= 11 ", "centos", "opensuse-leap~>15.4", "rhel!=8.0", "",
		">=20.04", "Ubuntu>=20.04", "ubuntu>>20.04", "ubuntu>=twenty", "ubuntu 20.04", "debian >= 11, < 14", "x~>", "a=1.2.3-rc1+b"} {
		f.Add(s, "12.1")
	}
	f.Fuzz(func(t *testing.T, s, version string) {
		r, err := facts.ParseOSRule(s)
		if err != nil {
			return
		}
		again, err := facts.ParseOSRule(r.Text)
		if err != nil || again.ID != r.ID || (again.Constraint == nil) != (r.Constraint == nil) {
			t.Fatalf("%q reads back from %q as %+v: %v", s, r.Text, again, err)
		}
		if r.Allows(r.ID, version) != again.Allows(r.ID, version) {
			t.Fatalf("%q and %q disagree on %s %q", s, r.Text, r.ID, version)
		}
		if r.Allows(r.ID+"x", version) {
			t.Fatalf("%q allows another OS", s)
		}
	})
}
