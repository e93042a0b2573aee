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
	"strings"
	"sync"

	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/systemd"
)

// The spice binary is also the backup agent on the hosts: spice_backup_policy
// installs the binary that is running (the provider is spice), or the one
// SPICE_AGENT_BINARY names (a build for the hosts' architecture; tests,
// which run the provider inside the test binary, name a built spice).
const agentBinaryEnv = "SPICE_AGENT_BINARY"

type agentBinary struct {
	path   string
	sha256 string
	arch   string // as uname -m prints it
}

// agentCache holds the description of each binary hashed so far, by path:
// one hash per provider configuration, not one per policy.
type agentCache struct {
	mu     sync.Mutex
	byPath map[string]agentBinary
}

// localAgent is the binary to install, hashed once per cache (a nil cache
// hashes every time).
func localAgent(cache *agentCache) (agentBinary, error) {
	p := os.Getenv(agentBinaryEnv)
	if p == "" {
		var err error
		if p, err = os.Executable(); err != nil {
			return agentBinary{}, fmt.Errorf("find the spice binary to install: %w", err)
		}
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
	if !systemd.Live(h) {
		b, err := h.ReadFile(ctx, path)
		if err != nil {
			return "", fmt.Errorf("read %s on %s: %w", path, h.Name(), err)
		}
		sum := sha256.Sum256(b)
		return hex.EncodeToString(sum[:]), nil
	}
	res, err := h.Run(ctx, host.Command{Argv: []string{"sha256sum", "--", path}})
	if err != nil {
		return "", fmt.Errorf("sha256sum %s on %s: %w", path, h.Name(), err)
	}
	sum, _, _ := strings.Cut(string(res.Stdout), " ")
	return sum, nil
}

// installAgent uploads the local agent to path on h when its hash differs,
// refusing a binary built for another architecture.
func installAgent(ctx context.Context, hc *hostContext, path string) error {
	h := hc.host
	local, err := localAgent(&hc.agents)
	if err != nil {
		return err
	}
	current, err := remoteSHA256(ctx, h, path)
	if err != nil || current == local.sha256 {
		return err
	}
	if systemd.Live(h) && local.arch != "" {
		res, err := h.Run(ctx, host.Command{Argv: []string{"uname", "-m"}})
		if err != nil {
			return fmt.Errorf("uname -m on %s: %w", h.Name(), err)
		}
		if arch := strings.TrimSpace(string(res.Stdout)); arch != local.arch {
			return fmt.Errorf("%s is %s, %s is built for %s: set %s to a spice build for %s", h.Name(), arch, local.path, local.arch, agentBinaryEnv, arch)
		}
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

// InstallAgent installs the spice agent at path on h the way
// spice_backup_policy does (installAgent): spice watch uses it for a host
// whose event stream has no agent declared by a policy.
func InstallAgent(ctx context.Context, h host.Host, path string) error {
	return installAgent(ctx, newHostContext(h), path)
}
