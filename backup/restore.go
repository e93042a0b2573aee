package backup

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spice-harvester/terraform-provider-spice/internal/osfile"
)

// RestoreOptions narrows and redirects a restore.
type RestoreOptions struct {
	// Source restores only the source of this name; all sources when empty.
	Source string
	// To restores below this directory instead of each paths source's
	// base_dir (path P lands in To/P). A command source's stream is written
	// to To/NAME.out, so To is required when a command source is restored.
	To string
}

// Restored is one source put into place.
type Restored struct {
	Source  string
	Targets []string
}

// Restore verifies a backup, extracts the chosen sources into staging
// directories next to their targets, and only then renames everything into
// place: an existing target is moved aside, the new one renamed in, and the
// old one removed once every target is in place. Any failure before that
// point removes the staging and leaves every target as it was. A corrupt or
// incomplete backup is refused before anything is touched.
func Restore(p *Policy, id string, opts RestoreOptions) ([]Restored, error) {
	dir := filepath.Join(p.Destination, id)
	return restoreWith(p, id, opts, func() (*Metadata, error) { return Verify(p, id) },
		func(md *Metadata, s SourceMetadata, to string) ([]*placement, error) {
			return stageSource(dir, id, s, md.Compression, to)
		})
}

// restoreWith is the restore every engine shares (see Restore): verify
// checks the backup, stage puts one source into staging beside its
// targets; the rest is the same whatever stores the backup.
func restoreWith(p *Policy, id string, opts RestoreOptions, verify func() (*Metadata, error),
	stage func(md *Metadata, s SourceMetadata, to string) ([]*placement, error)) ([]Restored, error) {
	lock, err := lockDestination(p)
	if err != nil {
		return nil, err
	}
	defer lock.release()
	md, err := verify()
	if err != nil {
		return nil, fmt.Errorf("refusing to restore: %w", err)
	}
	sources, err := chooseSources(md, opts)
	if err != nil {
		return nil, err
	}
	if err := checkAgainstPolicy(p, md, sources, opts.To != ""); err != nil {
		return nil, fmt.Errorf("refusing to restore backup %s: %w", id, err)
	}
	if opts.To != "" {
		if opts.To, err = filepath.Abs(opts.To); err != nil {
			return nil, err
		}
	}
	var staged []*placement
	defer func() {
		for _, pl := range staged {
			_ = os.RemoveAll(pl.stageDir)
		}
	}()
	var restored []Restored
	for _, s := range sources {
		pls, err := stage(md, s, opts.To)
		staged = append(staged, pls...)
		if err != nil {
			return nil, fmt.Errorf("restore backup %s source %s: %w", id, s.Name, err)
		}
		r := Restored{Source: s.Name}
		for _, pl := range pls {
			r.Targets = append(r.Targets, pl.target)
		}
		restored = append(restored, r)
	}
	if err := placeAll(staged); err != nil {
		return nil, fmt.Errorf("restore backup %s: %w (nothing was changed)", id, err)
	}
	return restored, nil
}

// placeAll moves every staged target into place, or, when one fails, puts
// back the ones already moved.
func placeAll(staged []*placement) error {
	for i, pl := range staged {
		if err := pl.place(); err != nil {
			for _, done := range slices.Backward(staged[:i]) {
				done.undo()
			}
			return err
		}
	}
	return nil
}

func chooseSources(md *Metadata, opts RestoreOptions) ([]SourceMetadata, error) {
	var chosen []SourceMetadata
	for _, s := range md.Sources {
		if opts.Source == "" || s.Name == opts.Source {
			chosen = append(chosen, s)
		}
	}
	if len(chosen) == 0 {
		return nil, fmt.Errorf("backup %s has no source %q", md.ID, opts.Source)
	}
	for _, s := range chosen {
		if s.Kind == KindCommand && opts.To == "" {
			return nil, fmt.Errorf("source %s holds a command's output: give -to DIR to write it there", s.Name)
		}
	}
	return chosen, nil
}

// checkAgainstPolicy refuses metadata that does not fit the policy the
// backup is restored with. metadata.json lies among the backups and is
// trusted no more than they are (its checksums cover the archives, not
// itself), so the policy decides where files go: every chosen source must
// be one of the policy's, of the same kind, and valid as the policy's
// validator has it (an absolute clean base_dir; clean relative paths
// below it, never "." and never overlapping each other or the
// destination). Restored in place, its base_dir must be the policy's and
// its paths among the policy's paths; with redirected (-to), the paths
// land below the directory the operator chose.
func checkAgainstPolicy(p *Policy, md *Metadata, chosen []SourceMetadata, redirected bool) error {
	if md.Policy != p.Name {
		return fmt.Errorf("its metadata names policy %q, not %q", md.Policy, p.Name)
	}
	seen := map[string]bool{}
	for _, s := range md.Sources {
		if seen[s.Name] {
			return fmt.Errorf("its metadata lists source %q twice", s.Name)
		}
		seen[s.Name] = true
	}
	policySources := map[string]Source{}
	for _, s := range p.Sources {
		policySources[s.Name] = s
	}
	for _, s := range chosen {
		ps, ok := policySources[s.Name]
		if !ok {
			return fmt.Errorf("source %q is not in policy %s", s.Name, p.Name)
		}
		as := Source{Name: s.Name, BaseDir: s.BaseDir, Paths: s.Paths}
		switch s.Kind {
		case KindCommand:
			as.Command = []string{"(recorded)"}
		case KindPaths:
		default:
			return fmt.Errorf("source %s: metadata kind %q is neither %q nor %q", s.Name, s.Kind, KindPaths, KindCommand)
		}
		if as.IsCommand() != ps.IsCommand() {
			return fmt.Errorf("source %s: metadata says kind %q, the policy says otherwise", s.Name, s.Kind)
		}
		recorded := Policy{Name: p.Name, Destination: p.Destination, Sources: []Source{as}}
		if err := recorded.Validate(); err != nil {
			return fmt.Errorf("source %s: metadata is not a valid source: %w", s.Name, err)
		}
		if s.Kind == KindCommand || redirected {
			continue
		}
		if s.BaseDir != ps.BaseDir {
			return fmt.Errorf("source %s: metadata names base_dir %q, the policy %q (restore with -to DIR to put it elsewhere)", s.Name, s.BaseDir, ps.BaseDir)
		}
		for _, rel := range s.Paths {
			if !slices.Contains(ps.Paths, rel) {
				return fmt.Errorf("source %s: metadata path %q is not among the policy's paths %q (restore with -to DIR to put it elsewhere)", s.Name, rel, ps.Paths)
			}
		}
	}
	return nil
}

// placement is one restored target: staged at stageDir/new, moved in by
// place, the previous one kept at stageDir/old until the stage is removed.
type placement struct {
	stageDir, target string
	movedAside       bool
}

func (pl *placement) staged() string { return filepath.Join(pl.stageDir, "new") }
func (pl *placement) aside() string  { return filepath.Join(pl.stageDir, "old") }

func (pl *placement) place() error {
	if _, err := os.Lstat(pl.target); err == nil {
		if err := os.Rename(pl.target, pl.aside()); err != nil {
			return fmt.Errorf("move %s aside: %w", pl.target, err)
		}
		pl.movedAside = true
	}
	if err := os.Rename(pl.staged(), pl.target); err != nil {
		pl.restoreAside()
		return fmt.Errorf("move restored %s into place: %w", pl.target, err)
	}
	return nil
}

func (pl *placement) undo() {
	_ = os.Rename(pl.target, pl.staged())
	pl.restoreAside()
}

func (pl *placement) restoreAside() {
	if pl.movedAside {
		_ = os.Rename(pl.aside(), pl.target)
		pl.movedAside = false
	}
}

// newPlacement creates the staging directory beside target, so that the
// final renames never cross a file system. A target that overlaps the
// backups' destination is refused: a restore never writes among backups.
func newPlacement(destination, id, target string) (*placement, error) {
	if within(target, destination) || within(destination, target) {
		return nil, fmt.Errorf("target %s overlaps the destination %s", target, destination)
	}
	parent := filepath.Dir(target)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	stage, err := os.MkdirTemp(parent, ".spice-restore-"+id+"-")
	if err != nil {
		return nil, err
	}
	return &placement{stageDir: stage, target: target}, nil
}

func stageSource(dir, id string, s SourceMetadata, compression, to string) ([]*placement, error) {
	f, err := osfile.OpenNoFollow(filepath.Join(dir, s.File), os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	r, err := newDecompressor(f, compression)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.File, err)
	}
	defer func() { _ = r.Close() }()
	if s.Kind == KindCommand {
		pl, err := newPlacement(filepath.Dir(dir), id, filepath.Join(to, strings.TrimSuffix(s.File, compressionSuffix[compression])))
		if err != nil {
			return nil, err
		}
		return []*placement{pl}, writeStream(pl.staged(), r)
	}
	base := s.BaseDir
	if to != "" {
		base = to
	}
	return stageTar(filepath.Dir(dir), id, base, s.Paths, r)
}

func writeStream(path string, r io.Reader) error {
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, r)
	if err == nil {
		err = out.Sync()
	}
	return errors.Join(err, out.Close())
}

// stageTar extracts a paths archive: each path P gets its own staging
// directory beside base/P, opened as an os.Root, and every entry must lie
// below one of the paths.
func stageTar(destination, id, base string, paths []string, r io.Reader) ([]*placement, error) {
	var pls []*placement
	roots := map[string]*os.Root{}
	defer func() {
		for _, root := range roots {
			_ = root.Close()
		}
	}()
	for _, rel := range paths {
		if !filepath.IsLocal(rel) {
			return pls, fmt.Errorf("path %q in metadata is not below the base directory", rel)
		}
		pl, err := newPlacement(destination, id, filepath.Join(base, rel))
		if err != nil {
			return pls, err
		}
		pls = append(pls, pl)
		if roots[rel], err = os.OpenRoot(pl.stageDir); err != nil {
			return pls, err
		}
	}
	x := extractor{dirs: map[*os.Root][]dirEntry{}}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return pls, fmt.Errorf("read archive: %w", err)
		}
		root, name, err := entryTarget(hdr.Name, paths, roots)
		if err != nil {
			return pls, err
		}
		if err := x.extract(root, name, hdr, tr); err != nil {
			return pls, fmt.Errorf("entry %q: %w", hdr.Name, err)
		}
	}
	if err := x.finishDirs(); err != nil {
		return pls, err
	}
	for _, pl := range pls {
		if _, err := os.Lstat(pl.staged()); err != nil {
			return pls, fmt.Errorf("archive holds nothing for %s", pl.target)
		}
	}
	return pls, nil
}

// entryTarget maps an archive entry to its staging root and its name in it
// ("new" for the path itself). Absolute names, "..", unclean names and
// names outside the source's paths are refused.
func entryTarget(name string, paths []string, roots map[string]*os.Root) (*os.Root, string, error) {
	clean := strings.TrimSuffix(name, "/")
	if !filepath.IsLocal(clean) || path.Clean(clean) != clean {
		return nil, "", fmt.Errorf("archive entry %q escapes the target", name)
	}
	for _, rel := range paths {
		slashRel := filepath.ToSlash(rel)
		if rest, ok := strings.CutPrefix(clean, slashRel); ok && (rest == "" || rest[0] == '/') {
			return roots[rel], "new" + rest, nil
		}
	}
	return nil, "", fmt.Errorf("archive entry %q is outside the source's paths", name)
}

type dirEntry struct {
	name string
	hdr  *tar.Header
}

// extractor writes entries into staging roots. Directory attributes are set
// at the end, deepest first, so a read-only directory still receives its
// content and keeps its mtime.
type extractor struct {
	dirs map[*os.Root][]dirEntry
}

func (x *extractor) extract(root *os.Root, name string, hdr *tar.Header, r io.Reader) error {
	if err := mkdirParents(root, name); err != nil {
		return err
	}
	switch hdr.Typeflag {
	case tar.TypeDir:
		if err := root.Mkdir(name, 0o700); err != nil {
			if info, lerr := root.Lstat(name); lerr != nil || !info.IsDir() {
				return err
			}
		}
		x.dirs[root] = append(x.dirs[root], dirEntry{name, hdr})
		return nil
	case tar.TypeReg:
		f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, r)
		if err = errors.Join(err, f.Close()); err != nil {
			return err
		}
		return setAttrs(root, name, hdr)
	case tar.TypeSymlink:
		if err := root.Symlink(hdr.Linkname, name); err != nil {
			return err
		}
		return setAttrs(root, name, hdr)
	default:
		return fmt.Errorf("unsupported entry type %q", hdr.Typeflag)
	}
}

// mkdirParents creates the missing parents of name and refuses a parent
// that is not a real directory: no entry is ever written through a symlink
// that an earlier entry created.
func mkdirParents(root *os.Root, name string) error {
	dir := path.Dir(name)
	if dir == "." {
		return nil
	}
	if err := mkdirParents(root, dir); err != nil {
		return err
	}
	info, err := root.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return root.Mkdir(dir, 0o755)
	}
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("parent %s is not a directory", dir)
	}
	return nil
}

func setAttrs(root *os.Root, name string, hdr *tar.Header) error {
	// Ownership first (chown clears setuid/setgid), and only as root: an
	// unprivileged restore keeps the restoring user's ownership.
	if os.Geteuid() == 0 {
		if err := root.Lchown(name, hdr.Uid, hdr.Gid); err != nil {
			return err
		}
	}
	if hdr.Typeflag == tar.TypeSymlink {
		return nil
	}
	mode := hdr.FileInfo().Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	if err := root.Chmod(name, mode); err != nil {
		return err
	}
	return root.Chtimes(name, hdr.ModTime, hdr.ModTime)
}

func (x *extractor) finishDirs() error {
	for root, dirs := range x.dirs {
		slices.SortFunc(dirs, func(a, b dirEntry) int { return strings.Count(b.name, "/") - strings.Count(a.name, "/") })
		for _, d := range dirs {
			if err := setAttrs(root, d.name, d.hdr); err != nil {
				return fmt.Errorf("directory %s: %w", d.hdr.Name, err)
			}
		}
	}
	return nil
}
