package e2e

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/nshosts"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sshd"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// fleetHost is how spice, Ansible and ssh reach one host of a fleet.
type fleetHost struct {
	Address        string
	Port           int
	PrivateKeyFile string
	KnownHostsFile string
}

func containerFleet(hosts []*testhosts.Host) []fleetHost {
	out := make([]fleetHost, len(hosts))
	for i, h := range hosts {
		out[i] = fleetHost{h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile}
	}
	return out
}

func namespaceFleet(hosts []*nshosts.Host) []fleetHost {
	out := make([]fleetHost, len(hosts))
	for i, h := range hosts {
		out[i] = fleetHost{h.Host, h.Port, h.PrivateKeyFile, h.KnownHostsFile}
	}
	return out
}

// BenchmarkFleetPlan compares, on 1, 4 and 8 containers converged with the
// same 10 resources each (5 directories, 5 files): spice plan (all hosts in
// parallel, one SSH connection each), ansible-playbook --check doing the
// same checks with the file and copy modules, and the floor of one
// "ssh host true" per host (OpenSSH client, hosts in sequence, as the
// reference cost of reaching each host once).
func BenchmarkFleetPlan(b *testing.B) {
	ansible, err := exec.LookPath("ansible-playbook")
	testsupport.Require(b, err == nil, "ansible-playbook (apt-get install ansible-core)")
	bin := testsupport.BuildBinary(b)
	for _, n := range []int{1, 4, 8} {
		hosts := containerFleet(testhosts.Start(b, n))
		work := b.TempDir()
		writeFleet(b, work, hosts)
		testsupport.NewSpice(b, work, bin).MustRun(0, "apply", "-auto-approve")

		b.Run(fmt.Sprintf("spice/%d", n), func(b *testing.B) {
			spice := testsupport.NewSpice(b, work, bin)
			for b.Loop() {
				spice.MustRun(0, "plan", "-detailed-exitcode")
			}
		})
		b.Run(fmt.Sprintf("ansible/%d", n), func(b *testing.B) {
			for b.Loop() {
				ansibleCheck(b, ansible, work, 8)
			}
		})
		b.Run(fmt.Sprintf("ssh-true/%d", n), func(b *testing.B) {
			for b.Loop() {
				for _, h := range hosts {
					if out, err := sshTrue(h).CombinedOutput(); err != nil {
						b.Fatalf("ssh true: %v\n%s", err, out)
					}
				}
			}
		})
	}
}

// BenchmarkFleetPlan50 is the fleet benchmark at 50 namespace hosts
// (testsupport/nshosts), converged with the same 10 resources each, side by
// side: spice plan; ansible-playbook --check with as many forks as hosts;
// and "ssh host true" to all 50 at once (OpenSSH client, 50 processes in
// parallel), the floor of reaching every host once.
func BenchmarkFleetPlan50(b *testing.B) {
	const n = 50
	ansible, err := exec.LookPath("ansible-playbook")
	testsupport.Require(b, err == nil, "ansible-playbook (apt-get install ansible-core)")
	bin := testsupport.BuildBinary(b)
	hosts := namespaceFleet(nshosts.Start(b, n))
	work := b.TempDir()
	writeFleet(b, work, hosts)
	testsupport.NewSpice(b, work, bin).MustRun(0, "apply", "-auto-approve")

	b.Run(fmt.Sprintf("spice/%d", n), func(b *testing.B) {
		spice := testsupport.NewSpice(b, work, bin)
		for b.Loop() {
			spice.MustRun(0, "plan", "-detailed-exitcode")
		}
	})
	b.Run(fmt.Sprintf("ssh-true-parallel/%d", n), func(b *testing.B) {
		for b.Loop() {
			sshTrueAll(b, hosts)
		}
	})
	b.Run(fmt.Sprintf("ansible/%d", n), func(b *testing.B) {
		for b.Loop() {
			ansibleCheck(b, ansible, work, n)
		}
	})
}

// BenchmarkFleetPlan50Latency is BenchmarkFleetPlan50 without Ansible over
// links with a round trip of 20 ms (a proxy holds each direction 10 ms),
// where round trips rather than CPU decide: spice plan (at the default
// -parallelism=10, and at 100) against ssh host true to all 50 at once
// through the same links.
func BenchmarkFleetPlan50Latency(b *testing.B) {
	const n = 50
	bin := testsupport.BuildBinary(b)
	ns := nshosts.Start(b, n)
	hosts := make([]fleetHost, n)
	for i, h := range ns {
		proxy := sshd.NewProxyWithOptions(b, h.Addr, sshd.ProxyOptions{Delay: 10 * time.Millisecond})
		knownHosts := h.WriteKnownHosts(b, "known_hosts.delayed", proxy.Addr, h.HostPublicKey, false)
		hosts[i] = fleetHost{"127.0.0.1", proxy.Port, h.PrivateKeyFile, knownHosts}
	}
	work := b.TempDir()
	writeFleet(b, work, hosts)
	testsupport.NewSpice(b, work, bin).MustRun(0, "apply", "-auto-approve")

	for _, parallelism := range []int{10, 100} {
		b.Run(fmt.Sprintf("spice-parallelism-%d/%d", parallelism, n), func(b *testing.B) {
			spice := testsupport.NewSpice(b, work, bin)
			for b.Loop() {
				spice.MustRun(0, "plan", "-detailed-exitcode", fmt.Sprintf("-parallelism=%d", parallelism))
			}
		})
	}
	b.Run(fmt.Sprintf("ssh-true-parallel/%d", n), func(b *testing.B) {
		for b.Loop() {
			sshTrueAll(b, hosts)
		}
	})
}

// sshTrueAll runs ssh host true to every host at once.
func sshTrueAll(b *testing.B, hosts []fleetHost) {
	b.Helper()
	var wg sync.WaitGroup
	errs := make([]error, len(hosts))
	for i, h := range hosts {
		wg.Go(func() {
			if out, err := sshTrue(h).CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("ssh %s:%d true: %w\n%s", h.Address, h.Port, err, out)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		b.Fatal(err)
	}
}

// ansibleCheck runs the playbook of writeFleet with --check and forks
// processes, and fails unless it found nothing to change.
func ansibleCheck(b *testing.B, ansible, work string, forks int) {
	b.Helper()
	cmd := exec.Command(ansible, "--check", "-i", "inventory.ini", "-f", strconv.Itoa(forks), "playbook.yml")
	cmd.Dir = work
	// Pipelining is Ansible at its fastest; its remote temporary files
	// go to /var/tmp, which a namespace host has writable, as /root is not.
	cmd.Env = append(os.Environ(), "ANSIBLE_HOST_KEY_CHECKING=True", "ANSIBLE_NOCOLOR=1", "ANSIBLE_LOCAL_TEMP="+b.TempDir(),
		"ANSIBLE_PIPELINING=True", "ANSIBLE_REMOTE_TMP=/var/tmp/.ansible-tmp")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "changed=0") || strings.Contains(string(out), "changed=1") {
		b.Fatalf("ansible-playbook --check: %v\n%s", err, out)
	}
}

// sshTrue is "ssh host true" with the OpenSSH client and nothing but the
// host's key and known_hosts file.
func sshTrue(h fleetHost) *exec.Cmd {
	return exec.Command("ssh", "-F", "/dev/null", "-i", h.PrivateKeyFile, "-p", strconv.Itoa(h.Port),
		"-o", "UserKnownHostsFile="+h.KnownHostsFile, "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
		"root@"+h.Address, "true")
}

// writeFleet writes the same 10 resources per host as HCL for spice and as
// an inventory and playbook for Ansible.
func writeFleet(b testing.TB, work string, hosts []fleetHost) {
	b.Helper()
	var hcl, inv strings.Builder
	hcl.WriteString("terraform {\n  required_providers {\n    spice = { source = \"spice-harvester/spice\" }\n  }\n}\n")
	for i, h := range hosts {
		fmt.Fprintf(&hcl, "provider \"spice\" {\n  alias = \"h%d\"\n  host = %q\n  port = %d\n  private_key_file = %q\n  known_hosts_file = %q\n}\n",
			i, h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile)
		for k := range 5 {
			fmt.Fprintf(&hcl, "resource \"spice_directory\" \"d%d_%d\" {\n  provider = spice.h%d\n  path = \"/srv/bench/d%d\"\n  mode = \"0755\"\n}\n", i, k, i, k)
			fmt.Fprintf(&hcl, "resource \"spice_file\" \"f%d_%d\" {\n  provider = spice.h%d\n  path = \"${spice_directory.d%d_%d.path}/file.conf\"\n  mode = \"0644\"\n  content = \"setting = %d\\n\"\n}\n", i, k, i, i, k, k)
		}
		fmt.Fprintf(&inv, "h%d ansible_host=%s ansible_port=%d ansible_user=root ansible_ssh_private_key_file=%s ansible_python_interpreter=/usr/bin/python3 ansible_ssh_common_args='-o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes'\n",
			i, h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile)
	}
	playbook := `- hosts: all
  gather_facts: false
  tasks:
    - name: directories
      ansible.builtin.file:
        path: "/srv/bench/d{{ item }}"
        state: directory
        mode: "0755"
      loop: [0, 1, 2, 3, 4]
    - name: files
      ansible.builtin.copy:
        dest: "/srv/bench/d{{ item }}/file.conf"
        content: "setting = {{ item }}\n"
        mode: "0644"
      loop: [0, 1, 2, 3, 4]
`
	for name, content := range map[string]string{"main.tf": hcl.String(), "inventory.ini": inv.String(), "playbook.yml": playbook} {
		if err := os.WriteFile(filepath.Join(work, name), []byte(content), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}
