// Package host is the one door through which spice touches a machine.
//
// Resources never call os.* or exec.* themselves: they call a Host. The local
// implementation lives here; the SSH implementation adds another type that
// satisfies the same interface, so every resource works on remote hosts
// without change.
package host

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os/exec"
	"strings"
)

// Perm holds Unix permission bits including setuid, setgid and sticky
// (0 to 07777), exactly as chmod(2) takes them.
type Perm uint32

// String renders the mode the way operators write it: four octal digits.
func (p Perm) String() string { return fmt.Sprintf("%04o", uint32(p)) }

// KeepID in Attrs.UID or Attrs.GID leaves that id as the system chooses it.
const KeepID = -1

// Attrs are the metadata a write or mkdir applies before the object becomes
// visible under its final name.
type Attrs struct {
	Perm Perm
	UID  int // KeepID: leave as created
	GID  int // KeepID: leave as created
}

// FileInfo is what Stat reports. It describes the path itself: a symbolic
// link is reported as a link, not followed.
type FileInfo struct {
	Perm      Perm
	UID       int
	GID       int
	Size      int64
	IsDir     bool
	IsSymlink bool
}

// Command is a program and its arguments. There is deliberately no shell
// string form: values are passed as separate argv elements and never
// interpreted by a shell.
type Command struct {
	Argv  []string
	Stdin []byte
}

// Result is the outcome of a command that ran to completion.
type Result struct {
	Stdout   []byte
	Stderr   []byte
	ExitCode int
}

// Host is a machine spice manages. Paths are absolute paths as seen by the
// managed system; an implementation may map them (see Local's root).
//
// A symbolic link at a managed path is never followed: it is reported as
// a link (Stat), refused where the object itself is needed (ReadFile,
// ReadDir, SetAttrs, Mkdir: ErrNotRegular, ErrSymlink), replaced by a
// write and removed by a removal. Links in the parent directories resolve
// as the managed system resolves them; in image mode (a root other than
// "/") that is below root, as if root were "/", so nothing outside root
// is ever reached.
//
// Errors wrap fs.ErrNotExist when the path does not exist, so callers can
// tell "absent" from a failure with errors.Is. Any other error is a failure,
// never an absent object.
type Host interface {
	// Name identifies the host in messages.
	Name() string
	// Root is the directory managed paths are mapped below: "/" normally,
	// another directory in image mode, where nothing live may be touched.
	Root() string

	// ReadFile reads the regular file at path. Anything else there (a
	// link, even to a regular file, a directory, a named pipe, a device, a
	// file with other hard links where the host can tell) is
	// ErrNotRegular, and is not read: to a resource managing the path, it
	// is drift that its write replaces.
	ReadFile(ctx context.Context, path string) ([]byte, error)
	Stat(ctx context.Context, path string) (FileInfo, error)
	// ReadDir lists the names in a directory, without "." and "..". A
	// link to a directory is not listed (ErrSymlink).
	ReadDir(ctx context.Context, path string) ([]string, error)

	// WriteFile replaces path atomically: the content goes to a fresh
	// temporary file in the same directory (an unpredictable name, created
	// exclusively, private until attrs are applied, which happens before
	// any content is written), is synced, and is renamed over path, which
	// replaces a link there rather than writing through it. Readers see
	// the old file or the new one, never a partial one. Missing parent
	// directories are created 0755.
	WriteFile(ctx context.Context, path string, content []byte, attrs Attrs) error
	// Mkdir creates path (and missing parents, 0755) and applies attrs to
	// path. An existing directory only gets attrs applied; anything else
	// there, a link to a directory too, is an error.
	Mkdir(ctx context.Context, path string, attrs Attrs) error
	// SetAttrs changes mode and ownership of the regular file or directory
	// at path. A link there is ErrSymlink: its target is never changed.
	SetAttrs(ctx context.Context, path string, attrs Attrs) error

	// Symlink makes path a symbolic link to target, atomically: a link made
	// under a temporary name in the same directory is renamed over path, so
	// readers see the old object or the new link, never nothing. target is
	// stored as given (in image mode it is not mapped below root: it is
	// what the managed system resolves). Missing parents are created 0755.
	Symlink(ctx context.Context, target, path string) error
	// ReadLink returns the target a symbolic link holds, unresolved.
	ReadLink(ctx context.Context, path string) (string, error)

	// Remove deletes a file or an empty directory.
	Remove(ctx context.Context, path string) error
	// RemoveAll deletes path and everything below it.
	RemoveAll(ctx context.Context, path string) error

	// Run executes a command to completion. A non-zero exit is reported as
	// an *ExitError that carries the Result.
	Run(ctx context.Context, cmd Command) (Result, error)

	// DialContext opens a TCP connection as the host itself would: address
	// is resolved and reached from the host, so 127.0.0.1 is the host's
	// own loopback (over SSH, a direct-tcpip channel of the connection).
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// ErrNotRegular is reported by ReadFile (and, for a file with other hard
// links, by SetAttrs) when the path holds something other than a regular
// file with a single name: a symbolic link, a directory, a named pipe, a
// socket, a device, or a file that other names share. Nothing was opened
// or read through it. To a resource managing the path it is drift: the
// object is replaced by its write, which renames over the name.
var ErrNotRegular = errors.New("not a regular file")

// ErrSymlink is reported when a symbolic link is where an operation needs
// the object itself (SetAttrs, Mkdir, ReadDir, and ReadFile along with
// ErrNotRegular), and, by Local on the live system, for a link in a parent
// directory that another user owns: spice follows only links root owns
// there, since another user's could send a write anywhere.
var ErrSymlink = errors.New("a symbolic link, which spice does not follow")

// ErrLocalUnsupported is NewLocal's error where spice cannot manage the
// machine it runs on with its guarantees (links never followed, writes
// atomic and private): Windows and FreeBSD for now. SSH works from all.
var ErrLocalUnsupported = errors.New("managing the local machine is supported on Linux and macOS only")

// NotInstalled tells a program missing on the host from one that ran and
// failed: locally exec finds no such program; over SSH the shell exits 127,
// or sudo says "command not found".
func NotInstalled(err error) bool {
	var exit *ExitError
	if errors.As(err, &exit) {
		return exit.Result.ExitCode == 127 ||
			(exit.Result.ExitCode == 1 && strings.Contains(string(exit.Result.Stderr), "command not found"))
	}
	return errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist)
}

// ExitError reports a command that ran but exited non-zero.
type ExitError struct {
	Host   string
	Argv0  string
	Result Result
}

func (e *ExitError) Error() string {
	msg := fmt.Sprintf("run %s on %s: exit status %d", e.Argv0, e.Host, e.Result.ExitCode)
	if tail := lastLine(e.Result.Stderr); tail != "" {
		msg += ": " + tail
	}
	return msg
}

// lastLine keeps error messages short and free of whatever else a command
// printed; the last stderr line is where programs put the reason.
func lastLine(b []byte) string {
	end := len(b)
	for end > 0 && (b[end-1] == '\n' || b[end-1] == '\r') {
		end--
	}
	start := end
	for start > 0 && b[start-1] != '\n' {
		start--
	}
	const max = 300
	line := string(b[start:end])
	if len(line) > max {
		line = line[:max] + "..."
	}
	return line
}
