package provider

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// Line-owned configuration files: spice_sysctl and spice_limits share files
// such as /etc/security/limits.d/60-spice.conf, where each resource owns
// only its own line(s) and leaves every other line as it found it.

// readLines returns the file's lines without line ends; a missing file
// reads as no lines and found=false.
func readLines(ctx context.Context, h host.Host, p string) (lines []string, found bool, err error) {
	b, err := h.ReadFile(ctx, p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil, true, nil
	}
	return strings.Split(s, "\n"), true, nil
}

// editLines rewrites the file p under its lock in hc: owns tells which lines
// belong to the caller, and they are replaced by line (at the place of the
// first owned line, else appended); line "" only removes them. A file
// left with nothing but blank lines is removed. The write is atomic and
// keeps an existing file's mode and ownership; a new file is 0644.
func (hc *hostContext) editLines(ctx context.Context, p string, owns func(string) bool, line string) error {
	defer hc.locks.lock(p)()
	h := hc.host
	lines, found, err := readLines(ctx, h, p)
	if err != nil {
		return err
	}
	var out []string
	placed := line == ""
	for _, l := range lines {
		if !owns(l) {
			out = append(out, l)
			continue
		}
		if !placed {
			out = append(out, line)
			placed = true
		}
	}
	if !placed {
		out = append(out, line)
	}
	if strings.TrimSpace(strings.Join(out, "")) == "" {
		if !found {
			return nil
		}
		if err := h.Remove(ctx, p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	content := strings.Join(out, "\n") + "\n"
	if found && content == strings.Join(lines, "\n")+"\n" {
		return nil // already as wanted: no write, no new inode
	}
	attrs := host.Attrs{Perm: 0o644, UID: host.KeepID, GID: host.KeepID}
	if found {
		info, err := h.Stat(ctx, p)
		if err != nil {
			return err
		}
		attrs = host.Attrs{Perm: info.Perm, UID: info.UID, GID: info.GID}
	}
	if err := h.WriteFile(ctx, p, []byte(content), attrs); err != nil {
		return fmt.Errorf("write %s on %s: %w", p, h.Name(), err)
	}
	return nil
}
