package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

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
		hosts := testhosts.Start(b, n)
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
				cmd := exec.Command(ansible, "--check", "-i", "inventory.ini", "-f", "8", "playbook.yml")
				cmd.Dir = work
				cmd.Env = append(os.Environ(), "ANSIBLE_HOST_KEY_CHECKING=True", "ANSIBLE_NOCOLOR=1", "ANSIBLE_LOCAL_TEMP="+b.TempDir())
				out, err := cmd.CombinedOutput()
				if err != nil || !strings.Contains(string(out), "changed=0") {
					b.Fatalf("ansible-playbook --check: %v\n%s", err, out)
				}
			}
		})
		b.Run(fmt.Sprintf("ssh-true/%d", n), func(b *testing.B) {
			for b.Loop() {
				for _, h := range hosts {
					cmd := exec.Command("ssh", "-i", h.PrivateKeyFile, "-p", fmt.Sprint(h.Port),
						"-o", "UserKnownHostsFile="+h.KnownHostsFile, "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
						"root@127.0.0.1", "true")
					if out, err := cmd.CombinedOutput(); err != nil {
						b.Fatalf("ssh true: %v\n%s", err, out)
					}
				}
			}
		})
	}
}

// writeFleet writes the same 10 resources per host as HCL for spice and as
// an inventory and playbook for Ansible.
func writeFleet(b *testing.B, work string, hosts []*testhosts.Host) {
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
		fmt.Fprintf(&inv, "h%d ansible_host=127.0.0.1 ansible_port=%d ansible_user=root ansible_ssh_private_key_file=%s ansible_python_interpreter=/usr/bin/python3 ansible_ssh_common_args='-o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes'\n",
			i, h.Port, h.PrivateKeyFile, h.KnownHostsFile)
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
