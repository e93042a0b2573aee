package e2e

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// TestRelease_installFromMirror installs the snapshot's linux_amd64 archive
// the way users install a release: Terraform (and OpenTofu when on PATH or
// built by scripts/ensure-tofu.sh) from a packed filesystem mirror, with
// no network and no dev_overrides, then plans a file with the installed
// provider.
func TestRelease_installFromMirror(t *testing.T) {
	dist, version := testsupport.ReleaseSnapshot(t)
	type engine struct{ binary, registryHost string }
	engines := map[string]engine{"terraform": {testsupport.TerraformBinary(t), testsupport.ProviderHost()}}
	if tofu := testsupport.OpenTofuBinary(t); tofu != "" {
		engines["tofu"] = engine{tofu, testsupport.OpenTofuRegistryHost}
	}
	for name, e := range engines {
		t.Run(name, func(t *testing.T) {
			rc := testsupport.PackedProviderMirror(t, dist, version, "linux_amd64", e.registryHost)
			dir, root := t.TempDir(), t.TempDir()
			config := `terraform {
  required_providers {
    spice = {
      source  = "spice-harvester/spice"
      version = "` + version + `"
    }
  }
}

provider "spice" {
  root = "` + root + `"
}

resource "spice_file" "motd" {
  path    = "/etc/motd"
  content = "installed from a mirror\n"
}
`
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
				t.Fatal(err)
			}
			run := func(args ...string) int {
				cmd := exec.Command(e.binary, args...)
				cmd.Dir = dir
				// No proxy and no registry: only the mirror can answer.
				cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
					"HTTPS_PROXY=http://127.0.0.1:1", "HTTP_PROXY=http://127.0.0.1:1")
				out, err := cmd.CombinedOutput()
				code := cmd.ProcessState.ExitCode()
				if err != nil && code < 0 {
					t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
				}
				t.Logf("%s %s (exit %d):\n%s", name, strings.Join(args, " "), code, out)
				return code
			}
			if code := run("init", "-input=false"); code != 0 {
				t.Fatalf("%s init from the mirror exited %d", name, code)
			}
			installed := filepath.Join(dir, ".terraform", "providers", e.registryHost, "spice-harvester", "spice", version, "linux_amd64")
			for _, f := range []string{"terraform-provider-spice_v" + version, "agents/linux_amd64/spice", "agents/linux_arm64/spice"} {
				if _, err := os.Stat(filepath.Join(installed, f)); err != nil {
					t.Errorf("the installed provider lacks %s: %v", f, err)
				}
			}
			// -detailed-exitcode: 2 is a successful plan with changes.
			if code := run("plan", "-input=false", "-detailed-exitcode"); code != 2 {
				t.Errorf("%s plan with the installed provider exited %d, want 2 (changes planned)", name, code)
			}
		})
	}
}

// TestRelease_debInstalls installs the snapshot's .deb in a pristine test
// container with dpkg -i and runs the spice it put on the PATH.
func TestRelease_debInstalls(t *testing.T) {
	dist, version := testsupport.ReleaseSnapshot(t)
	deb := filepath.Join(dist, "spice_"+version+"_linux_amd64.deb")
	content, err := os.ReadFile(deb)
	if err != nil {
		t.Fatal(err)
	}
	h := testhosts.Start(t, 1)[0]
	if err := os.WriteFile(filepath.Join(h.Root(), "root", "spice.deb"), content, 0o600); err != nil {
		t.Fatal(err)
	}
	h.Exec(t, "dpkg", "-i", "/root/spice.deb")
	if got := h.Exec(t, "dpkg-query", "-W", "-f=${Status}", "spice"); got != "install ok installed" {
		t.Errorf("dpkg says the spice package is %q, want installed", got)
	}
	if got := strings.TrimSpace(h.Exec(t, "spice", "version")); !strings.Contains(got, version) {
		t.Errorf("spice version in the container printed %q, want it to name %s", got, version)
	}
}

// TestRelease_archivesAndChecksums checks dist/ as the registry and a
// careful user read it: a zip per target holding the provider and both
// Linux agents (executable ELFs of the named architecture), SHA256SUMS
// naming every zip and the manifest with the hashes the files have, and
// a manifest for protocol 6.0.
func TestRelease_archivesAndChecksums(t *testing.T) {
	dist, version := testsupport.ReleaseSnapshot(t)
	prefix := "terraform-provider-spice_" + version + "_"
	sums, err := os.Open(filepath.Join(dist, prefix+"SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sums.Close() }()
	listed := map[string]bool{}
	lines := bufio.NewScanner(sums)
	for lines.Scan() {
		want, name, ok := strings.Cut(lines.Text(), "  ")
		if !ok {
			t.Fatalf("SHA256SUMS line %q is not HASH  NAME", lines.Text())
		}
		listed[name] = true
		content, err := os.ReadFile(filepath.Join(dist, name))
		if err != nil {
			t.Errorf("SHA256SUMS lists %s: %v", name, err)
			continue
		}
		if got := sha256.Sum256(content); hex.EncodeToString(got[:]) != want {
			t.Errorf("%s has SHA-256 %x, SHA256SUMS says %s", name, got, want)
		}
	}
	if err := lines.Err(); err != nil {
		t.Fatal(err)
	}

	var manifest struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	b, err := os.ReadFile(filepath.Join(dist, prefix+"manifest.json"))
	if err == nil {
		err = json.Unmarshal(b, &manifest)
	}
	if err != nil {
		t.Fatalf("registry manifest: %v", err)
	}
	if manifest.Version != 1 || strings.Join(manifest.Metadata.ProtocolVersions, ",") != "6.0" {
		t.Errorf("registry manifest is %s, want version 1 with protocol_versions [6.0]", b)
	}
	if !listed[prefix+"manifest.json"] {
		t.Errorf("SHA256SUMS does not list the manifest")
	}

	agents := map[string]elf.Machine{"agents/linux_amd64/spice": elf.EM_X86_64, "agents/linux_arm64/spice": elf.EM_AARCH64}
	for _, target := range []string{"darwin_amd64", "darwin_arm64", "linux_amd64", "linux_arm64", "windows_amd64", "freebsd_amd64"} {
		name := prefix + target + ".zip"
		if !listed[name] {
			t.Errorf("SHA256SUMS does not list %s", name)
		}
		z, err := zip.OpenReader(filepath.Join(dist, name))
		if err != nil {
			t.Errorf("%s: %v", target, err)
			continue
		}
		provider := "terraform-provider-spice_v" + version
		if strings.HasPrefix(target, "windows") {
			provider += ".exe"
		}
		found := map[string]bool{}
		for _, f := range z.File {
			found[f.Name] = true
			machine, isAgent := agents[f.Name]
			if !isAgent {
				continue
			}
			if f.Mode()&0o111 == 0 {
				t.Errorf("%s: %s is not executable (%v)", name, f.Name, f.Mode())
			}
			if got := zipELFMachine(t, f); got != machine {
				t.Errorf("%s: %s is an ELF for %v, want %v", name, f.Name, got, machine)
			}
		}
		_ = z.Close()
		for _, want := range []string{provider, "agents/linux_amd64/spice", "agents/linux_arm64/spice"} {
			if !found[want] {
				t.Errorf("%s lacks %s", name, want)
			}
		}
	}
}

// zipELFMachine is the architecture of the ELF executable f in a zip.
func zipELFMachine(t *testing.T, f *zip.File) elf.Machine {
	t.Helper()
	r, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Close() }()
	content, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	e, err := elf.NewFile(bytes.NewReader(content))
	if err != nil {
		t.Fatalf("%s: %v", f.Name, err)
	}
	return e.Machine
}
