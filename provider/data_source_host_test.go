package provider_test

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/spice-harvester/terraform-provider-spice/facts"
	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// machine is what this machine reports about itself through the usual
// tools, independently of the fact script.
type machine struct {
	hostname, osID, osVersion, kernel, arch string
	cpuCores                                int
	memoryMB                                int64
	versions                                map[string]string // facts attribute → version or "" (not installed)
}

func thisMachine(t *testing.T) machine {
	t.Helper()
	var m machine
	var err error
	if m.hostname, err = os.Hostname(); err != nil {
		t.Fatal(err)
	}
	if m.cpuCores, err = strconv.Atoi(command(t, "nproc")); err != nil {
		t.Fatal(err)
	}
	m.kernel, m.arch = command(t, "uname", "-r"), command(t, "uname", "-m")
	meminfo, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(meminfo), "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			m.memoryMB = kb / 1024
		}
	}
	osRelease, err := os.ReadFile("/etc/os-release")
	if err != nil {
		t.Fatal(err)
	}
	osr := facts.ParseOSRelease(strings.Split(string(osRelease), "\n"))
	m.osID, m.osVersion = osr["ID"], osr["VERSION_ID"]
	m.versions = map[string]string{}
	for attr, argv := range map[string][]string{
		"python_version": {"python3", "--version"},
		"docker_version": {"docker", "--version"},
		"git_version":    {"git", "--version"},
	} {
		out, err := exec.Command(argv[0], argv[1:]...).Output()
		if err == nil {
			m.versions[attr] = facts.NormalizeVersion(string(out))
		} else {
			m.versions[attr] = ""
		}
	}
	return m
}

func command(t *testing.T, argv ...string) string {
	t.Helper()
	out, err := exec.Command(argv[0], argv[1:]...).Output()
	if err != nil {
		t.Fatalf("%v: %v", argv, err)
	}
	return strings.TrimSpace(string(out))
}

// checkFacts verifies the facts attribute of a resource or data source
// against this machine.
func checkFacts(name string, m machine) resource.TestCheckFunc {
	checks := []resource.TestCheckFunc{
		resource.TestCheckResourceAttr(name, "id", m.hostname),
		resource.TestCheckResourceAttr(name, "facts.hostname", m.hostname),
		resource.TestCheckResourceAttr(name, "facts.cpu_cores", strconv.Itoa(m.cpuCores)),
		resource.TestCheckResourceAttr(name, "facts.memory_mb", strconv.FormatInt(m.memoryMB, 10)),
		resource.TestCheckResourceAttr(name, "facts.os_id", m.osID),
		resource.TestCheckResourceAttr(name, "facts.os_version", m.osVersion),
		resource.TestCheckResourceAttr(name, "facts.kernel", m.kernel),
		resource.TestCheckResourceAttr(name, "facts.arch", m.arch),
		resource.TestCheckResourceAttrSet(name, "facts.storage_total_gb"),
		resource.TestCheckResourceAttrSet(name, "facts.storage_free_gb"),
		resource.TestCheckResourceAttrWith(name, "facts.storage_type", func(v string) error {
			switch v {
			case facts.StorageNVMe, facts.StorageSSD, facts.StorageHDD, facts.StorageUnknown:
				return nil
			}
			return fmt.Errorf("facts.storage_type: unexpected value %q", v)
		}),
	}
	for attr, v := range m.versions {
		if v == "" {
			checks = append(checks, resource.TestCheckNoResourceAttr(name, "facts."+attr))
		} else {
			checks = append(checks, resource.TestCheckResourceAttr(name, "facts."+attr, v))
		}
	}
	return resource.ComposeAggregateTestCheckFunc(checks...)
}

// The data source reads this machine's facts (provider without root: the
// local host itself; reading changes nothing).
func TestAccHostDataSource_facts(t *testing.T) {
	t.Parallel()
	sameOnEveryTransport(t)
	m := thisMachine(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: "provider \"spice\" {}\ndata \"spice_host\" \"this\" {}\n",
			Check:  checkFacts("data.spice_host.this", m),
		}},
	})
}
