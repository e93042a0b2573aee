//go:build linux

// The attacker needs Linux: setpriv starts it, inotify feeds its races.

package hosttest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The attacks run a second process as nobody: this test binary again,
// started through setpriv, which MaybeAttacker turns into the attacker.
// It works in a directory that nobody may write (as a managed directory
// writable by another user would be), signals "ready" in its control
// directory once set up, and on "go" writes everything it managed to
// read to the file "loot" there and exits.

const (
	attackerEnv = "SPICE_HOSTTEST_ATTACKER"
	dirEnv      = "SPICE_HOSTTEST_DIR"
	ctlEnv      = "SPICE_HOSTTEST_CTL"
	argsEnv     = "SPICE_HOSTTEST_ARGS"
)

// MaybeAttacker makes this process the attacker when RunAttacks started it
// as one, and never returns then. A test package that runs RunAttacks
// calls it first thing in TestMain.
func MaybeAttacker() {
	mode := os.Getenv(attackerEnv)
	if mode == "" {
		return
	}
	var args []string
	if a := os.Getenv(argsEnv); a != "" {
		args = strings.Split(a, "\x1f")
	}
	a := &attackerProc{dir: os.Getenv(dirEnv), ctl: os.Getenv(ctlEnv)}
	if err := a.run(mode, args); err != nil {
		fmt.Fprintln(os.Stderr, "attacker:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

type attackerProc struct {
	dir, ctl string
	held     []*os.File
	inodes   map[uint64]bool
}

func (a *attackerProc) stopped() bool {
	_, err := os.Stat(filepath.Join(a.ctl, "go"))
	return err == nil
}

func (a *attackerProc) ready() error {
	return os.WriteFile(filepath.Join(a.ctl, "ready"), nil, 0o644)
}

func (a *attackerProc) run(mode string, args []string) error {
	a.inodes = map[uint64]bool{}
	switch mode {
	case "plant":
		if err := a.plant(args); err != nil {
			return err
		}
		if err := a.ready(); err != nil {
			return err
		}
		for !a.stopped() {
			time.Sleep(5 * time.Millisecond)
		}
	case "race":
		if err := a.race(); err != nil {
			return err
		}
	case "swap":
		if err := a.swap(args[0], args[1]); err != nil {
			return err
		}
	case "dirswap":
		if err := a.dirswap(args[0], args[1]); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown mode %q", mode)
	}
	return a.dumpLoot()
}

// plant creates what args describe in dir and holds every file open:
// "file:NAME", "link:NAME:TARGET", "fifo:NAME".
func (a *attackerProc) plant(args []string) error {
	for _, spec := range args {
		kind, rest, _ := strings.Cut(spec, ":")
		switch kind {
		case "file":
			f, err := os.OpenFile(filepath.Join(a.dir, rest), os.O_RDWR|os.O_CREATE, 0o666)
			if err != nil {
				return err
			}
			a.held = append(a.held, f)
		case "link":
			name, target, _ := strings.Cut(rest, ":")
			if err := os.Symlink(target, filepath.Join(a.dir, name)); err != nil {
				return err
			}
		case "fifo":
			if err := unix.Mkfifo(filepath.Join(a.dir, rest), 0o666); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unknown plant %q", spec)
		}
	}
	return nil
}

// race opens every entry that appears in dir as soon as it appears, and
// keeps it open: a temporary file that anyone may open for even a moment
// hands its later content to whoever held it.
func (a *attackerProc) race() error {
	ifd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		return err
	}
	defer func() { _ = unix.Close(ifd) }()
	if _, err := unix.InotifyAddWatch(ifd, a.dir, unix.IN_CREATE|unix.IN_MOVED_TO|unix.IN_ATTRIB|unix.IN_MODIFY|unix.IN_CLOSE_WRITE); err != nil {
		return err
	}
	if err := a.ready(); err != nil {
		return err
	}
	buf := make([]byte, 64<<10)
	fds := []unix.PollFd{{Fd: int32(ifd), Events: unix.POLLIN}}
	for i := 0; !a.stopped(); i++ {
		_, _ = unix.Poll(fds, 2)
		n, _ := unix.Read(ifd, buf)
		for off := 0; off+unix.SizeofInotifyEvent <= n; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
			name := string(bytes.TrimRight(buf[off+unix.SizeofInotifyEvent:off+unix.SizeofInotifyEvent+int(ev.Len)], "\x00"))
			a.grab(name)
			off += unix.SizeofInotifyEvent + int(ev.Len)
		}
		if i%4 == 0 {
			entries, _ := os.ReadDir(a.dir)
			for _, e := range entries {
				a.grab(e.Name())
			}
		}
	}
	return nil
}

func (a *attackerProc) grab(name string) {
	if name == "" {
		return
	}
	f, err := os.OpenFile(filepath.Join(a.dir, name), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return
	}
	var st unix.Stat_t
	if unix.Fstat(int(f.Fd()), &st) != nil || a.inodes[st.Ino] {
		_ = f.Close()
		return
	}
	a.inodes[st.Ino] = true
	a.held = append(a.held, f)
}

// swap puts a regular file of its own and a link to target at name in
// turn, as fast as it can, so that whatever checks the path and then
// uses it meets the other one.
func (a *attackerProc) swap(name, target string) error {
	dst := filepath.Join(a.dir, name)
	plant, link := filepath.Join(a.dir, ".plant"), filepath.Join(a.dir, ".link")
	if err := a.ready(); err != nil {
		return err
	}
	for i := 0; !a.stopped(); i++ {
		if i%2 == 0 {
			_ = os.Remove(plant)
			if err := os.WriteFile(plant, []byte("PLANT"), 0o644); err != nil {
				return err
			}
			_ = os.Rename(plant, dst)
		} else {
			_ = os.Remove(link)
			if err := os.Symlink(target, link); err != nil {
				return err
			}
			_ = os.Rename(link, dst)
		}
	}
	return nil
}

// dirswap moves the directory at name aside (another user's directory, in
// a directory the attacker may write), puts a link to target in its place
// for a moment, and moves it back, over and over.
func (a *attackerProc) dirswap(name, target string) error {
	dst := filepath.Join(a.dir, name)
	moved := dst + ".moved"
	if err := a.ready(); err != nil {
		return err
	}
	for !a.stopped() {
		if os.Rename(dst, moved) != nil {
			continue
		}
		if os.Symlink(target, dst) == nil {
			time.Sleep(50 * time.Microsecond)
			if info, err := os.Lstat(dst); err == nil && info.Mode()&os.ModeSymlink != 0 {
				_ = os.Remove(dst)
			}
		}
		_ = os.Rename(moved, dst)
	}
	return nil
}

func (a *attackerProc) dumpLoot() error {
	var loot bytes.Buffer
	for _, f := range a.held {
		b, _ := io.ReadAll(io.NewSectionReader(f, 0, 1<<20))
		fmt.Fprintf(&loot, "== %s (%d bytes)\n%s\n", f.Name(), len(b), b)
	}
	return os.WriteFile(filepath.Join(a.ctl, "loot"), loot.Bytes(), 0o644)
}

// Attacker is a running attacker process, seen from the test. Its modes
// (the arguments after dir):
//   - "plant" SPEC...: creates "file:NAME" (held open), "link:NAME:TARGET"
//     and "fifo:NAME" in dir;
//   - "race": opens every entry as soon as it appears in dir, and keeps it;
//   - "swap" NAME TARGET: puts a file of its own and a link to TARGET at
//     NAME in turn;
//   - "dirswap" NAME TARGET: moves the directory NAME aside for a moment
//     and puts a link to TARGET in its place.
//
// Stop returns the content of every file it held, from the start.
type Attacker struct {
	t   *testing.T
	ctl string
	cmd *exec.Cmd
	out bytes.Buffer
}

// NeedAttacker skips the test unless it can run an attacker: root, to
// switch to nobody with setpriv.
func NeedAttacker(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("attacks need root, to run the attacker as nobody")
	}
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("attacks need setpriv (util-linux)")
	}
}

// StartAttacker runs the attacker in mode against dir (which nobody must
// be able to write) and waits until it is set up.
func StartAttacker(t *testing.T, mode, dir string, args ...string) *Attacker {
	t.Helper()
	exe := attackerBinary(t)
	ctl := OpenDir(t, filepath.Join(t.TempDir(), "ctl"), 0o777)
	cmd := exec.Command("setpriv", "--reuid="+fmt.Sprint(NobodyUID), "--regid="+fmt.Sprint(NobodyGID), "--clear-groups", "--", exe)
	cmd.Env = []string{attackerEnv + "=" + mode, dirEnv + "=" + dir, ctlEnv + "=" + ctl, argsEnv + "=" + strings.Join(args, "\x1f")}
	a := &Attacker{t: t, ctl: ctl, cmd: cmd}
	cmd.Stdout, cmd.Stderr = &a.out, &a.out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the attacker: %v", err)
	}
	t.Cleanup(func() {
		if a.cmd.ProcessState == nil {
			_ = a.cmd.Process.Kill()
			_ = a.cmd.Wait()
		}
	})
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(ctl, "ready")); err == nil {
			return a
		}
		if time.Now().After(deadline) {
			t.Fatalf("the attacker did not get ready: %s", a.out.String())
		}
	}
}

// Stop ends the attack and returns everything the attacker read.
func (a *Attacker) Stop() string {
	a.t.Helper()
	if err := os.WriteFile(filepath.Join(a.ctl, "go"), nil, 0o644); err != nil {
		a.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			a.t.Fatalf("attacker: %v: %s", err, a.out.String())
		}
	case <-time.After(30 * time.Second):
		_ = a.cmd.Process.Kill()
		a.t.Fatalf("the attacker did not stop: %s", a.out.String())
	}
	b, err := os.ReadFile(filepath.Join(a.ctl, "loot"))
	if err != nil {
		a.t.Fatal(err)
	}
	return string(b)
}

// attackerBinary is a copy of this test binary that nobody may run (the
// build directory is private to root).
func attackerBinary(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := OpenDir(t, filepath.Join(t.TempDir(), "bin"), 0o755)
	exe := filepath.Join(dir, "attacker")
	in, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = in.Close() }()
	out, err := os.OpenFile(exe, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return exe
}

// OpenDir creates dir with mode (whatever the umask) and makes its
// ancestors below the system's temporary directory traversable, so that
// nobody reaches it.
func OpenDir(t *testing.T, dir string, mode os.FileMode) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Clean(os.TempDir())
	for p := filepath.Dir(dir); strings.HasPrefix(p, tmp+"/"); p = filepath.Dir(p) {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm()&0o005 != 0o005 {
			if err := os.Chmod(p, info.Mode().Perm()|0o005); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}
