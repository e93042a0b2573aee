// Package pyvenv builds Python virtual environments on a host beside the
// one in use and swaps them in atomically: the venv's path is a symbolic
// link to PATH.envs/KEY, replaced by a rename once the new venv is
// complete. A failed pip install removes the new venv and leaves the old
// one, and the link, as they were.
package pyvenv

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// Spec is what a venv should be.
type Spec struct {
	Path         string
	Python       string // the interpreter that makes the venv
	Requirements string // requirements.txt content
	PipArgs      []string
}

// EnvsDir holds the venvs of a venv at p.
func EnvsDir(p string) string { return p + ".envs" }

// markerFile, in a venv, records the sha256 of the requirements it was
// built from; written last, so a venv without it is incomplete.
const markerFile = ".spice-requirements.sha256"

// RequirementsSHA256 is the hex sha256 of requirements content.
func RequirementsSHA256(requirements string) string {
	sum := sha256.Sum256([]byte(requirements))
	return hex.EncodeToString(sum[:])
}

// Key names the venv directory of a spec: everything that makes one venv
// differ from another.
func (s Spec) Key() string {
	sum := sha256.Sum256([]byte(strings.Join(append([]string{s.Python, s.Requirements}, s.PipArgs...), "\x00")))
	return hex.EncodeToString(sum[:8])
}

// State is a venv as found on the host.
type State struct {
	RequirementsSHA256 string
	Frozen             []string // pip freeze
	PythonVersion      string
}

func run(ctx context.Context, h host.Host, argv ...string) (string, error) {
	res, err := h.Run(ctx, host.Command{Argv: argv})
	if err != nil {
		return "", fmt.Errorf("%s on %s: %w", strings.Join(argv, " "), h.Name(), pipReason(err))
	}
	return string(res.Stdout), nil
}

// pipReason keeps pip's ERROR lines, where it says what it could not
// install, in the error.
func pipReason(err error) error {
	var exit *host.ExitError
	if !errors.As(err, &exit) {
		return err
	}
	var reasons []string
	for _, line := range strings.Split(string(exit.Result.Stderr), "\n") {
		if strings.HasPrefix(line, "ERROR: ") {
			reasons = append(reasons, strings.TrimSpace(line))
		}
	}
	if len(reasons) == 0 {
		return err
	}
	return fmt.Errorf("exit status %d: %s", exit.Result.ExitCode, strings.Join(reasons, "; "))
}

// PythonVersion asks an interpreter its version ("3.11.2").
func PythonVersion(ctx context.Context, h host.Host, python string) (string, error) {
	out, err := run(ctx, h, python, "-c", "import platform; print(platform.python_version())")
	return strings.TrimSpace(out), err
}

// frozenFile, in a venv, keeps pip freeze as it was after the build, so
// that a refresh reads files instead of starting pip.
const frozenFile = ".spice-frozen"

// Read reads the venv at p; found is false when it is missing or
// incomplete (no marker, no interpreter). It starts no process but test:
// a plan refreshes many venvs.
func Read(ctx context.Context, h host.Host, p string) (State, bool, error) {
	var files [3][]byte
	for i, name := range []string{markerFile, frozenFile, "pyvenv.cfg"} {
		b, err := h.ReadFile(ctx, path.Join(p, name))
		if errors.Is(err, fs.ErrNotExist) {
			return State{}, false, nil
		}
		if err != nil {
			return State{}, false, fmt.Errorf("read %s on %s: %w", path.Join(p, name), h.Name(), err)
		}
		files[i] = b
	}
	// bin/python links to the interpreter that made the venv: gone with
	// it (a python upgrade), the venv is gone too.
	python := path.Join(p, "bin", "python")
	if _, err := h.Run(ctx, host.Command{Argv: []string{"test", "-x", python}}); err != nil {
		var exit *host.ExitError
		if errors.As(err, &exit) {
			return State{}, false, nil
		}
		return State{}, false, fmt.Errorf("test %s on %s: %w", python, h.Name(), err)
	}
	return State{
		RequirementsSHA256: strings.TrimSpace(string(files[0])),
		Frozen:             strings.Fields(string(files[1])),
		PythonVersion:      pyvenvVersion(string(files[2])),
	}, true, nil
}

// pyvenvVersion reads "version = 3.11.2" (or version_info, Python 3.11+
// writes both) from pyvenv.cfg.
func pyvenvVersion(cfg string) string {
	for _, line := range strings.Split(cfg, "\n") {
		key, value, ok := strings.Cut(line, "=")
		if ok && (strings.TrimSpace(key) == "version" || strings.TrimSpace(key) == "version_info") {
			return strings.TrimSpace(value)
		}
	}
	return ""
}

func freeze(ctx context.Context, h host.Host, python string) ([]string, error) {
	out, err := run(ctx, h, python, "-m", "pip", "freeze", "--disable-pip-version-check")
	if err != nil {
		return nil, err
	}
	return strings.Fields(out), nil
}

// Build makes a new venv for spec beside the current one and swaps the
// link at spec.Path to it; the previous venvs are removed afterwards. A
// failure removes the new venv and leaves everything else as it was.
func Build(ctx context.Context, h host.Host, spec Spec) (State, error) {
	if info, err := h.Stat(ctx, spec.Path); err == nil && !info.IsSymlink {
		return State{}, fmt.Errorf("%s on %s exists and is not a venv spice made (not a link into %s/): move it away first", spec.Path, h.Name(), EnvsDir(spec.Path))
	}
	envs := EnvsDir(spec.Path)
	// A venv's scripts name its directory, so it is built where it stays:
	// in KEY, or in KEY-2 when KEY is the venv in use (a rebuild of the
	// same requirements, repairing drift). What is there is left over from
	// an interrupted build.
	current, _ := h.ReadLink(ctx, spec.Path)
	name := spec.Key()
	if current == path.Join(path.Base(envs), name) {
		name += "-2"
	}
	dir := path.Join(envs, name)
	if err := h.RemoveAll(ctx, dir); err != nil {
		return State{}, err
	}
	if err := h.Mkdir(ctx, envs, host.Attrs{Perm: 0o755, UID: host.KeepID, GID: host.KeepID}); err != nil {
		return State{}, fmt.Errorf("mkdir %s on %s: %w", envs, h.Name(), err)
	}
	state, err := build(ctx, h, spec, dir)
	if err != nil {
		if rmErr := h.RemoveAll(ctx, dir); rmErr != nil {
			err = fmt.Errorf("%w (and removing %s: %w)", err, dir, rmErr)
		}
		return State{}, err
	}
	if err := h.Symlink(ctx, path.Join(path.Base(envs), name), spec.Path); err != nil {
		return State{}, fmt.Errorf("swap %s on %s: %w", spec.Path, h.Name(), err)
	}
	names, err := h.ReadDir(ctx, envs)
	if err != nil {
		return State{}, err
	}
	for _, other := range names {
		if other != name {
			if err := h.RemoveAll(ctx, path.Join(envs, other)); err != nil {
				return State{}, err
			}
		}
	}
	return state, nil
}

func build(ctx context.Context, h host.Host, spec Spec, dir string) (State, error) {
	if _, err := run(ctx, h, spec.Python, "-m", "venv", dir); err != nil {
		return State{}, err
	}
	requirements := path.Join(dir, "requirements.txt")
	if err := h.WriteFile(ctx, requirements, []byte(spec.Requirements), host.Attrs{Perm: 0o644, UID: host.KeepID, GID: host.KeepID}); err != nil {
		return State{}, fmt.Errorf("write %s on %s: %w", requirements, h.Name(), err)
	}
	python := path.Join(dir, "bin", "python")
	install := append([]string{python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet"}, spec.PipArgs...)
	if _, err := run(ctx, h, append(install, "-r", requirements)...); err != nil {
		return State{}, err
	}
	frozen, err := freeze(ctx, h, python)
	if err != nil {
		return State{}, err
	}
	sum := RequirementsSHA256(spec.Requirements)
	// The marker last: a venv without it is incomplete.
	for _, f := range []struct{ name, content string }{{frozenFile, strings.Join(frozen, "\n") + "\n"}, {markerFile, sum + "\n"}} {
		if err := h.WriteFile(ctx, path.Join(dir, f.name), []byte(f.content), host.Attrs{Perm: 0o644, UID: host.KeepID, GID: host.KeepID}); err != nil {
			return State{}, fmt.Errorf("write %s on %s: %w", path.Join(dir, f.name), h.Name(), err)
		}
	}
	s, found, err := Read(ctx, h, dir)
	if err == nil && !found {
		err = fmt.Errorf("venv %s on %s incomplete after its build", dir, h.Name())
	}
	return s, err
}

// Remove deletes the link and every venv behind it.
func Remove(ctx context.Context, h host.Host, p string) error {
	for _, x := range []string{p, EnvsDir(p)} {
		if err := h.RemoveAll(ctx, x); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s on %s: %w", x, h.Name(), err)
		}
	}
	return nil
}
