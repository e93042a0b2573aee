// Package gitcheckout keeps a Git checkout at a ref on a host and swaps
// it atomically: every commit is checked out into a worktree of its own,
// and the checkout's path is a symbolic link to the current one, replaced
// by a rename. A running service reads the old tree or the new one, never
// half of each.
//
// Layout for path /opt/app/current:
//
//	/opt/app/current           -> current.releases/COMMIT (a symbolic link)
//	/opt/app/current.releases/ one worktree per commit; older ones removed
//	/opt/app/current.git/      the repository (bare), fetched into
package gitcheckout

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// Spec is what a checkout should be.
type Spec struct {
	Repository string // URL or path, as git clone takes it
	Ref        string // branch, tag, or full commit id
	Path       string
	Depth      int64  // 0: full history
	Owner      string // "USER" or "USER:GROUP"; "" leaves root's
}

// GitDir and ReleasesDir are the repository and the worktrees of a
// checkout at p.
func GitDir(p string) string      { return p + ".git" }
func ReleasesDir(p string) string { return p + ".releases" }

var fullCommit = regexp.MustCompile(`^[0-9a-f]{40}$`)

// IsCommit tells a full commit id from a branch or tag name.
func IsCommit(ref string) bool { return fullCommit.MatchString(ref) }

func run(ctx context.Context, h host.Host, argv ...string) (string, error) {
	if argv[0] == "git" {
		// root works in trees owned by the checkout's owner, which git
		// refuses ("dubious ownership") unless told they are safe.
		argv = append([]string{"git", "-c", "safe.directory=*"}, argv[1:]...)
	}
	res, err := h.Run(ctx, host.Command{Argv: argv})
	if err != nil {
		return "", fmt.Errorf("%s on %s: %w", strings.Join(argv, " "), h.Name(), err)
	}
	return string(res.Stdout), nil
}

// Resolve asks the repository which commit ref names now: a commit id is
// itself; a tag (peeled to its commit) wins over a branch of the same
// name.
func Resolve(ctx context.Context, h host.Host, repository, ref string) (string, error) {
	if IsCommit(ref) {
		return ref, nil
	}
	// The peeled "TAG^{}" line, the commit of an annotated tag, is only
	// listed when asked for.
	out, err := run(ctx, h, "git", "ls-remote", "--", repository, ref, ref+"^{}")
	if err != nil {
		return "", err
	}
	commit, ok := PickRef(out, ref)
	if !ok {
		return "", fmt.Errorf("ref %q not found in %s (a branch, a tag, or a full 40-character commit id)", ref, repository)
	}
	return commit, nil
}

// PickRef reads git ls-remote output for ref: the peeled tag, the tag,
// the branch, or an exact full ref name, in that order.
func PickRef(lsRemote, ref string) (string, bool) {
	byName := map[string]string{}
	for _, line := range strings.Split(lsRemote, "\n") {
		commit, name, ok := strings.Cut(line, "\t")
		if ok {
			byName[name] = commit
		}
	}
	for _, name := range []string{"refs/tags/" + ref + "^{}", "refs/tags/" + ref, "refs/heads/" + ref, ref} {
		if c, ok := byName[name]; ok {
			return c, true
		}
	}
	return "", false
}

// State is what a checkout on the host is.
type State struct {
	Commit     string // HEAD of the current worktree
	Modified   bool   // git status --porcelain lists something
	Repository string // as recorded by Apply
	Ref        string
}

// Read reads the checkout at p; found is false when p is not there.
func Read(ctx context.Context, h host.Host, p string) (State, bool, error) {
	if _, err := h.Stat(ctx, p); errors.Is(err, fs.ErrNotExist) {
		return State{}, false, nil
	} else if err != nil {
		return State{}, false, err
	}
	head, err := run(ctx, h, "git", "-C", p+"/", "rev-parse", "HEAD")
	if err != nil {
		return State{}, false, err
	}
	status, err := run(ctx, h, "git", "-C", p+"/", "status", "--porcelain", "--ignore-submodules=none")
	if err != nil {
		return State{}, false, err
	}
	s := State{Commit: strings.TrimSpace(head), Modified: strings.TrimSpace(status) != ""}
	// Recorded by Apply; empty for a checkout spice did not make.
	s.Repository, _ = gitConfig(ctx, h, GitDir(p), "spice.repository")
	s.Ref, _ = gitConfig(ctx, h, GitDir(p), "spice.ref")
	return s, true, nil
}

func gitConfig(ctx context.Context, h host.Host, gitDir, key string) (string, error) {
	out, err := run(ctx, h, "git", "--git-dir="+gitDir, "config", "--get", key)
	return strings.TrimSpace(out), err
}

// Apply fetches commit (which Resolve found for spec.Ref) into the
// repository, checks it out into a new worktree, and swaps the link at
// spec.Path to it. The previous worktrees are removed afterwards. A
// worktree of commit that exists already is checked out again (local
// edits discarded) before the swap.
func Apply(ctx context.Context, h host.Host, spec Spec, commit string) error {
	gitDir, releases := GitDir(spec.Path), ReleasesDir(spec.Path)
	if info, err := h.Stat(ctx, spec.Path); err == nil && !info.IsSymlink {
		return fmt.Errorf("%s on %s exists and is not a checkout spice made (not a link to %s/): move it away first", spec.Path, h.Name(), releases)
	}
	if _, err := h.Stat(ctx, gitDir); errors.Is(err, fs.ErrNotExist) {
		if _, err := run(ctx, h, "git", "init", "--quiet", "--bare", gitDir); err != nil {
			return err
		}
	}
	for key, v := range map[string]string{"spice.repository": spec.Repository, "spice.ref": spec.Ref} {
		if _, err := run(ctx, h, "git", "--git-dir="+gitDir, "config", key, v); err != nil {
			return err
		}
	}
	fetch := []string{"git", "--git-dir=" + gitDir, "fetch", "--quiet", "--force", "--no-tags"}
	if spec.Depth > 0 {
		fetch = append(fetch, "--depth", strconv.FormatInt(spec.Depth, 10))
	}
	if _, err := run(ctx, h, append(fetch, "--", spec.Repository, commit)...); err != nil {
		return err
	}
	worktree := path.Join(releases, commit)
	if _, err := h.Stat(ctx, worktree); err == nil {
		// Back to a commit checked out before: discard local edits.
		if _, err := run(ctx, h, "git", "-C", worktree, "reset", "--quiet", "--hard", commit); err != nil {
			return err
		}
		if _, err := run(ctx, h, "git", "-C", worktree, "clean", "-d", "--force", "--quiet"); err != nil {
			return err
		}
	} else {
		// A half-made worktree of an interrupted apply is pruned first.
		if _, err := run(ctx, h, "git", "--git-dir="+gitDir, "worktree", "prune"); err != nil {
			return err
		}
		if _, err := run(ctx, h, "git", "--git-dir="+gitDir, "worktree", "add", "--quiet", "--detach", "--force", worktree, commit); err != nil {
			return err
		}
	}
	if spec.Owner != "" {
		if _, err := run(ctx, h, "chown", "-R", "--", spec.Owner, worktree, gitDir); err != nil {
			return err
		}
	}
	if err := h.Symlink(ctx, path.Join(path.Base(releases), commit), spec.Path); err != nil {
		return fmt.Errorf("swap %s to %s on %s: %w", spec.Path, commit, h.Name(), err)
	}
	return prune(ctx, h, gitDir, releases, commit)
}

// prune removes the worktrees other than keep.
func prune(ctx context.Context, h host.Host, gitDir, releases, keep string) error {
	names, err := h.ReadDir(ctx, releases)
	if err != nil {
		return fmt.Errorf("list %s on %s: %w", releases, h.Name(), err)
	}
	for _, name := range names {
		if name == keep {
			continue
		}
		if _, err := run(ctx, h, "git", "--git-dir="+gitDir, "worktree", "remove", "--force", path.Join(releases, name)); err != nil {
			if err := h.RemoveAll(ctx, path.Join(releases, name)); err != nil {
				return err
			}
		}
	}
	_, err = run(ctx, h, "git", "--git-dir="+gitDir, "worktree", "prune")
	return err
}

// Remove deletes the checkout: the link, the worktrees and the repository.
func Remove(ctx context.Context, h host.Host, p string) error {
	for _, x := range []string{p, ReleasesDir(p), GitDir(p)} {
		if err := h.RemoveAll(ctx, x); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s on %s: %w", x, h.Name(), err)
		}
	}
	return nil
}
