package host

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
)

// Run executes argv on the host, through sudo when configured. The remote
// user's shell receives argv as single-quoted words (shellJoin) and execs
// the program found in PATH, as Local does (no builtins or functions). A
// command is never repeated: only when no session could be opened, so that
// it never started, is it tried once more on a new connection.
func (s *SSH) Run(ctx context.Context, cmd Command) (Result, error) {
	return s.runArgv(ctx, cmd, nil)
}

// Stream runs a command as Run does and copies its standard output to out
// as it comes instead of returning it, until the command ends or ctx does
// (its process group is then killed): an event stream on a session
// channel of the existing connection, holding one session slot.
func (s *SSH) Stream(ctx context.Context, cmd Command, out io.Writer) error {
	_, err := s.runArgv(ctx, cmd, out)
	return err
}

func (s *SSH) runArgv(ctx context.Context, cmd Command, stream io.Writer) (Result, error) {
	if len(cmd.Argv) == 0 {
		return Result{}, fmt.Errorf("run on %s: empty command", s.name)
	}
	argv0 := cmd.Argv[0]
	argv := cmd.Argv
	if s.sudo != nil {
		argv = slices.Concat(s.sudo, argv)
	}
	line, err := shellJoin(argv)
	if err != nil {
		return Result{}, fmt.Errorf("run %s on %s: %w", argv0, s.name, err)
	}
	// The shell prints its PID, which exec hands to the program: the
	// leader of the process group sshd made for the session. A cancelled
	// Run kills that group, because sshd refuses "signal" requests for
	// root's sessions and closing the channel leaves the program running.
	res, pid, err := s.run(ctx, "echo $$; exec "+line, cmd.Stdin, stream)
	if pid > 1 {
		s.killGroup(pid)
	}
	if err == nil {
		return res, nil
	}
	var exitErr *ExitError
	if errors.As(err, &exitErr) {
		exitErr.Argv0 = argv0
		if s.sudo != nil && res.ExitCode == 1 && sudoWantsPassword(res.Stderr) {
			return res, &hostError{msg: fmt.Sprintf("sudo on %s needs a password; configure NOPASSWD for %s or connect as root", s.hostName(), s.user)}
		}
		return res, err
	}
	return res, fmt.Errorf("run %s on %s: %w", argv0, s.name, err)
}

// run runs one command line in a session slot. When ctx ends first it
// returns the remote PID to kill (0 when unknown). With stream, stdout goes
// there as it comes rather than into the Result.
func (s *SSH) run(ctx context.Context, line string, input []byte, stream io.Writer) (Result, int, error) {
	select {
	case s.sessions <- struct{}{}:
	case <-ctx.Done():
		return Result{}, 0, ctx.Err()
	}
	defer func() { <-s.sessions }()
	sess, err := s.newSession(ctx)
	if err != nil {
		return Result{}, 0, err
	}
	defer func() { _ = sess.Close() }()

	stdout := &pidHeader{stream: stream}
	var stderr bytes.Buffer
	sess.Stdout, sess.Stderr = stdout, &stderr
	var stdin io.WriteCloser
	if input != nil {
		// Fed separately, so a command that exits without reading its
		// input is not an error (as with Local).
		if stdin, err = sess.StdinPipe(); err != nil {
			return Result{}, 0, &connError{msg: err.Error()}
		}
	}
	if err := sess.Start(line); err != nil {
		// Go's message would repeat the command line, which may hold values.
		if strings.HasPrefix(err.Error(), "ssh: command ") {
			return Result{}, 0, errors.New("the SSH server refused to start the command")
		}
		return Result{}, 0, &connError{msg: err.Error()}
	}
	if stdin != nil {
		go func() {
			_, _ = stdin.Write(input)
			_ = stdin.Close()
		}()
	}
	waited := make(chan error, 1)
	go func() { waited <- sess.Wait() }()
	select {
	case err = <-waited:
	case <-ctx.Done():
		_ = sess.Signal(ssh.SIGKILL) // enough where sshd allows it (non-root users)
		_ = sess.Close()
		return Result{}, int(stdout.pid.Load()), ctx.Err()
	}

	res := Result{Stdout: stdout.out.Bytes(), Stderr: stderr.Bytes()}
	var exitErr *ssh.ExitError
	var missing *ssh.ExitMissingError
	switch {
	case err == nil:
		return res, 0, nil
	case errors.As(err, &exitErr):
		res.ExitCode = exitErr.ExitStatus()
		if exitErr.Signal() != "" {
			res.ExitCode = -1 // as Local reports a command killed by a signal
		}
		return res, 0, &ExitError{Host: s.name, Result: res}
	case errors.As(err, &missing):
		return res, 0, &connError{msg: "no exit status arrived (the command may or may not have run)"}
	}
	return res, 0, &connError{msg: err.Error()}
}

// killGroup kills a cancelled command's process group, as root when the
// command ran through sudo. It is best effort within a few seconds: the
// link may be what made the caller give up.
func (s *SSH) killGroup(pid int) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	argv := []string{"kill", "-KILL", "--", "-" + strconv.Itoa(pid)}
	if s.sudo != nil {
		argv = slices.Concat(s.sudo, argv)
	}
	line, _ := shellJoin(argv)
	_, _, _ = s.run(ctx, "exec "+line, nil, nil)
}

// pidHeader takes the first line of a session's stdout, the PID the
// shell printed, and keeps the rest as the command's output. If that line
// is not a PID (an rc file printed something first), all of it is output.
type pidHeader struct {
	out    bytes.Buffer
	stream io.Writer // when set, the output goes there instead of out
	header []byte
	done   bool
	pid    atomic.Int64
}

func (w *pidHeader) Write(p []byte) (int, error) {
	n := len(p)
	if !w.done {
		i := bytes.IndexByte(p, '\n')
		if i < 0 && len(w.header)+len(p) <= 20 {
			w.header = append(w.header, p...)
			return n, nil
		}
		w.done = true
		if i >= 0 {
			w.header = append(w.header, p[:i]...)
			if pid, err := strconv.Atoi(string(w.header)); err == nil {
				w.pid.Store(int64(pid))
				return n, w.emit(p[i+1:])
			}
		}
		if err := w.emit(w.header); err != nil {
			return n, err
		}
		if i >= 0 {
			p = p[i:]
		}
	}
	return n, w.emit(p)
}

func (w *pidHeader) emit(p []byte) error {
	if w.stream != nil {
		_, err := w.stream.Write(p)
		return err
	}
	w.out.Write(p)
	return nil
}

// newSession opens a session channel, on a new connection if the current
// one is broken. A server at its session limit is given a moment.
func (s *SSH) newSession(ctx context.Context) (*ssh.Session, error) {
	reconnected, refused := false, 0
	for {
		c, err := s.current(ctx)
		if err != nil {
			return nil, err
		}
		sess, err := c.client.NewSession()
		if err == nil {
			return sess, nil
		}
		var open *ssh.OpenChannelError
		switch {
		case errors.As(err, &open) && open.Reason != ssh.UnknownChannelType && refused < 12:
			// sshd frees a session slot only some time after both sides
			// closed the channel, so even within MaxSessions an open can
			// be refused ("no more sessions"); other clients may share
			// the connection's limit too. The command never started.
			refused++
			select {
			case <-time.After(min(5*time.Millisecond<<refused, 250*time.Millisecond)): // 2s in all
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		case errors.As(err, &open):
			return nil, &hostError{msg: "the SSH server refused a session (sshd's MaxSessions below 10?): " + open.Error()}
		case !reconnected:
			c.retire()
			reconnected = true
		default:
			c.retire()
			return nil, &connError{msg: err.Error()}
		}
	}
}

// cappedBuffer keeps the first 64 KiB written to it, for stderr that only
// serves an error message.
type cappedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := 64<<10 - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *cappedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

// DialContext opens a direct-tcpip channel: the host's sshd makes the
// connection, so address is reached as the host sees it and no port has
// to be open towards this machine.
func (s *SSH) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	c, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	conn, err := c.client.DialContext(ctx, network, address)
	if err != nil {
		return nil, fmt.Errorf("connect to %s from %s: %w", address, s.name, err)
	}
	return conn, nil
}
