package provider_test

import (
	"context"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/provider"
	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// TestInstallAgent_hostArchitecture installs the agent on this machine
// (the local transport, live) while it reports another architecture: a
// fake uname, first in PATH, prints the machine name under test, the way
// an arm64 or amd64 host's uname -m does. The provider runs from a
// release-archive layout with real linux/amd64 and linux/arm64 builds in
// agents/; the installed file must be the ELF for the reported machine.
func TestInstallAgent_hostArchitecture(t *testing.T) {
	testsupport.RequireRoot(t)
	release := t.TempDir()
	shipped := map[string]string{}
	for _, goarch := range []string{"amd64", "arm64"} {
		dir := filepath.Join(release, "agents", "linux_"+goarch)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		shipped[goarch] = testsupport.CrossBuildProgram(t, "linux", goarch, dir)
	}

	tests := []struct {
		machine  string // what uname -m prints on the host
		agentEnv string // SPICE_AGENT_BINARY
		release  bool   // agents shipped beside the provider
		want     elf.Machine
		wantErr  string
	}{
		{machine: "aarch64", release: true, want: elf.EM_AARCH64},
		{machine: "x86_64", release: true, want: elf.EM_X86_64},
		{machine: "aarch64", wantErr: filepath.Join("agents", "linux_arm64", "spice")},
		{machine: "riscv64", release: true, wantErr: "not released for riscv64"},
		// SPICE_AGENT_BINARY comes first, and a build for another
		// architecture is refused rather than uploaded.
		{machine: "aarch64", release: true, agentEnv: "amd64", wantErr: "built for x86_64"},
		{machine: "x86_64", release: true, agentEnv: "amd64", want: elf.EM_X86_64},
	}
	for _, tt := range tests {
		name := tt.machine
		if !tt.release {
			name += " without agents"
		}
		if tt.agentEnv != "" {
			name += " with " + provider.AgentBinaryEnv
		}
		t.Run(name, func(t *testing.T) {
			fakeUname(t, tt.machine)
			t.Setenv(provider.AgentBinaryEnv, "")
			if tt.agentEnv != "" {
				t.Setenv(provider.AgentBinaryEnv, shipped[tt.agentEnv])
			}
			local, err := host.NewLocal("/")
			if err != nil {
				t.Fatal(err)
			}
			providerDir := release
			if !tt.release {
				providerDir = t.TempDir()
			}
			dest := filepath.Join(t.TempDir(), "spice")
			err = provider.InstallAgentFrom(context.Background(), local, filepath.Join(providerDir, "terraform-provider-spice"), dest)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("installAgent error = %v, want one saying %q", err, tt.wantErr)
				}
				if _, statErr := os.Stat(dest); statErr == nil {
					t.Error("an agent was installed although installAgent failed")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			f, err := elf.Open(dest)
			if err != nil {
				t.Fatalf("installed agent: %v", err)
			}
			defer func() { _ = f.Close() }()
			if f.Machine != tt.want {
				t.Errorf("a host reporting %s got an agent for %s, want %s", tt.machine, f.Machine, tt.want)
			}
		})
	}
}

// fakeUname puts first in PATH a fake uname that prints machine for -m
// and defers to the real one otherwise.
func fakeUname(t *testing.T, machine string) {
	t.Helper()
	real, err := exec.LookPath("uname")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := "#!/bin/sh\n[ \"$1\" = -m ] && { echo " + machine + "; exit 0; }\nexec " + real + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, "uname"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}
