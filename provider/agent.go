package provider

import (
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	pathpkg "path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/spice-harvester/terraform-provider-spice/facts"
	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/systemd"
)

// The spice binary is also the backup agent on the hosts, which are Linux
// on amd64 or arm64 whatever the operator runs. The build installed on a
// host is, for its architecture (uname -m): the one SPICE_AGENT_BINARY
// names; else the one shipped beside the provider in its release archive
// (agents/linux_ARCH/spice); else the running binary if it is that build.
// Tests, which run the provider inside the test binary, name a built spice.
const agentBinaryEnv = "SPICE_AGENT_BINARY"

type agentBinary struct {
	path   string
	sha256 string
	arch   string // as uname -m prints it
}

// agentCache holds the description of each binary hashed so far, by path
// (one hash per provider configuration, not one per policy), and the
// host's architecture, asked once.
type agentCache struct {
	mu      sync.Mutex
	byPath  map[string]agentBinary
	machine *string // the host's uname -m once asked; "" in image mode

	// executable is where the provider runs from (os.Executable when nil):
	// the shipped agents lie beside it.
	executable func() (string, error)

	// installed holds the paths ensureAgent made current in this run,
	// under its own lock: hashing the installed agent takes a while, and
	// every env file with generated secrets needs it on each refresh.
	installMu sync.Mutex
	installed map[string]bool
}

// hostMachine is h's uname -m, asked once per cache; "" in image mode,
// where commands would reach this machine, not the managed tree.
func (c *agentCache) hostMachine(ctx context.Context, h host.Host) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.machine != nil {
		return *c.machine, nil
	}
	machine := ""
	if systemd.Live(h) {
		res, err := h.Run(ctx, host.Command{Argv: []string{"uname", "-m"}})
		if err != nil {
			return "", fmt.Errorf("uname -m on %s: %w", h.Name(), err)
		}
		machine = strings.TrimSpace(string(res.Stdout))
	}
	c.machine = &machine
	return machine, nil
}

// agentFile is the spice build to install on a host whose uname -m is
// machine ("" when unknown: then the running build, on Linux).
func agentFile(machine string, executable func() (string, error)) (string, error) {
	if p := os.Getenv(agentBinaryEnv); p != "" {
		return p, nil
	}
	if executable == nil {
		executable = os.Executable
	}
	self, err := executable()
	if err != nil {
		return "", fmt.Errorf("find the running spice binary: %w", err)
	}
	if machine == "" {
		if runtime.GOOS != "linux" {
			return "", fmt.Errorf("the host's architecture is unknown (image mode) and this spice is built for %s: set %s to the linux build of spice to install", runtime.GOOS, agentBinaryEnv)
		}
		return self, nil
	}
	goarch := facts.GoArch(machine)
	if goarch == "" {
		return "", fmt.Errorf("spice is not released for %s hosts: set %s to a linux build of spice for %s", machine, agentBinaryEnv, machine)
	}
	shipped := filepath.Join(filepath.Dir(self), "agents", "linux_"+goarch, "spice")
	if _, err := os.Stat(shipped); err == nil {
		return shipped, nil
	}
	if runtime.GOOS == "linux" && runtime.GOARCH == goarch {
		return self, nil
	}
	return "", fmt.Errorf("no spice agent for a linux/%s host (uname -m: %s): provide %s (the release archive for %s/%s ships it) or set %s to a linux/%s build of spice",
		goarch, machine, shipped, runtime.GOOS, runtime.GOARCH, agentBinaryEnv, goarch)
}

// localAgent is the binary to install on a host whose uname -m is
// machine, hashed once per cache (a nil cache hashes every time).
func localAgent(cache *agentCache, machine string) (agentBinary, error) {
	var executable func() (string, error)
	if cache != nil {
		executable = cache.executable
	}
	p, err := agentFile(machine, executable)
	if err != nil {
		return agentBinary{}, err
	}
	if cache == nil {
		return describeAgent(p)
	}
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if b, ok := cache.byPath[p]; ok {
		return b, nil
	}
	b, err := describeAgent(p)
	if err == nil {
		if cache.byPath == nil {
			cache.byPath = map[string]agentBinary{}
		}
		cache.byPath[p] = b
	}
	return b, err
}

func describeAgent(p string) (agentBinary, error) {
	f, err := os.Open(p)
	if err != nil {
		return agentBinary{}, fmt.Errorf("spice binary to install: %w", err)
	}
	defer func() { _ = f.Close() }()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return agentBinary{}, fmt.Errorf("read %s: %w", p, err)
	}
	b := agentBinary{path: p, sha256: hex.EncodeToString(h.Sum(nil))}
	if e, err := elf.Open(p); err == nil {
		b.arch = unameMachine[e.Machine]
		_ = e.Close()
	}
	return b, nil
}

var unameMachine = map[elf.Machine]string{
	elf.EM_X86_64:  "x86_64",
	elf.EM_AARCH64: "aarch64",
	elf.EM_386:     "i686",
	elf.EM_ARM:     "armv7l",
	elf.EM_RISCV:   "riscv64",
	elf.EM_PPC64:   "ppc64le",
	elf.EM_S390:    "s390x",
}

// remoteSHA256 hashes the installed agent on the host; "" when absent.
func remoteSHA256(ctx context.Context, h host.Host, path string) (string, error) {
	if _, err := h.Stat(ctx, path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", nil
		}
		return "", fmt.Errorf("stat %s on %s: %w", path, h.Name(), err)
	}
	_, local := h.(*host.Local)
	if local && !systemd.Live(h) {
		// A local image: reading it costs no transfer. Over SSH the
		// remote sha256sum spares downloading the binary, below the root
		// in image mode, since commands reach the machine holding it.
		b, err := h.ReadFile(ctx, path)
		if err != nil {
			return "", fmt.Errorf("read %s on %s: %w", path, h.Name(), err)
		}
		sum := sha256.Sum256(b)
		return hex.EncodeToString(sum[:]), nil
	}
	res, err := h.Run(ctx, host.Command{Argv: []string{"sha256sum", "--", pathpkg.Join(h.Root(), path)}})
	if err != nil {
		return "", fmt.Errorf("sha256sum %s on %s: %w", path, h.Name(), err)
	}
	sum, _, _ := strings.Cut(string(res.Stdout), " ")
	return sum, nil
}

// installAgent uploads the agent for h's architecture to path on h when
// its hash differs, refusing a binary built for another architecture.
func installAgent(ctx context.Context, hc *hostContext, path string) error {
	h := hc.host
	machine, err := hc.agents.hostMachine(ctx, h)
	if err != nil {
		return err
	}
	local, err := localAgent(&hc.agents, machine)
	if err != nil {
		return err
	}
	current, err := remoteSHA256(ctx, h, path)
	if err != nil || current == local.sha256 {
		return err
	}
	if machine != "" && local.arch != "" && !sameArch(machine, local.arch) {
		return fmt.Errorf("%s is %s, %s is built for %s: set %s to a spice build for %s", h.Name(), machine, local.path, local.arch, agentBinaryEnv, machine)
	}
	content, err := os.ReadFile(local.path)
	if err != nil {
		return fmt.Errorf("read %s: %w", local.path, err)
	}
	if err := h.WriteFile(ctx, path, content, host.Attrs{Perm: 0o755, UID: 0, GID: 0}); err != nil {
		return fmt.Errorf("install %s on %s: %w", path, h.Name(), err)
	}
	return nil
}

// ensureAgent is installAgent once per path and host context.
func ensureAgent(ctx context.Context, hc *hostContext, path string) error {
	c := &hc.agents
	c.installMu.Lock()
	defer c.installMu.Unlock()
	if c.installed[path] {
		return nil
	}
	if err := installAgent(ctx, hc, path); err != nil {
		return err
	}
	if c.installed == nil {
		c.installed = map[string]bool{}
	}
	c.installed[path] = true
	return nil
}

// sameArch compares two uname -m names, which differ for one architecture
// across systems (aarch64 on Linux, arm64 elsewhere).
func sameArch(a, b string) bool {
	return a == b || (facts.GoArch(a) != "" && facts.GoArch(a) == facts.GoArch(b))
}

// InstallAgent installs the spice agent at path on h the way
// spice_backup_policy does (installAgent): spice watch uses it for a host
// whose event stream has no agent declared by a policy.
func InstallAgent(ctx context.Context, h host.Host, path string) error {
	return installAgent(ctx, newHostContext(h), path)
}
