package host

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// SSHConfig says how to reach and manage a remote host; it mirrors the
// provider configuration's SSH settings. Zero values mean the defaults.
type SSHConfig struct {
	Address string // host name or IP address
	Port    int    // 22
	User    string // root

	// PrivateKey (PEM, sensitive: never printed) or PrivateKeyFile ("~/"
	// is the home directory); without either, the ssh-agent at
	// SSH_AUTH_SOCK.
	PrivateKey     string
	PrivateKeyFile string

	// The host key is checked against KnownHostsFile (default
	// ~/.ssh/known_hosts, hashed entries too), or only against HostKey
	// ("ssh-ed25519 AAAA...") when that is set.
	KnownHostsFile string
	HostKey        string

	// Sudo runs commands and file access as root when User is not root; it
	// needs passwordless sudo (NOPASSWD).
	Sudo bool
	// ConnectTimeout (10s) bounds TCP connect, handshake and SFTP start.
	ConnectTimeout time.Duration
	// Root maps every managed path below this remote directory, like
	// Local's root; "" or "/" maps nothing. Commands are not mapped.
	Root string
	// KeepaliveInterval (15s) is how often an idle connection is probed,
	// and how long a probe may go unanswered before the link counts as
	// dead.
	KeepaliveInterval time.Duration
}

const (
	defaultConnectTimeout    = 10 * time.Second
	defaultKeepaliveInterval = 15 * time.Second
	// sshd allows MaxSessions (default 10) sessions per connection. The
	// SFTP channel takes one; the rest is headroom for closed sessions sshd
	// has not freed yet (newSession retries the few opens still refused).
	maxSSHSessions = 8
)

// sftpServers are where Debian, RHEL and Arch install OpenSSH's sftp-server,
// which sudo starts when file access must run as root.
var sftpServers = []string{"/usr/lib/openssh/sftp-server", "/usr/libexec/openssh/sftp-server", "/usr/lib/ssh/sftp-server"}

// SSH manages a remote host over one SSH connection: files through one SFTP
// channel, commands as session channels (at most maxSSHSessions at once).
// A broken connection is replaced once per operation, and only where
// repeating the operation is safe. It is safe for concurrent use.
type SSH struct {
	name    string
	addr    string // host:port, as dialled and as known_hosts names it
	user    string
	root    string   // "" when paths are not mapped
	sudo    []string // the prefix that runs a command as root; nil: none
	timeout time.Duration
	// keepalive is how often an idle connection is probed, and how long
	// a probe may go unanswered.
	keepalive time.Duration

	auth              *sshAuth
	hostKeyCallback   ssh.HostKeyCallback
	hostKeyAlgorithms []string

	sessions chan struct{} // bounds concurrent command sessions
	lock     chan struct{} // guards conn and closed; a channel so waiting honours ctx
	conn     *sshConn
	closed   bool

	leftoverMu sync.Mutex
	leftovers  []string // see leftover (ssh_sweep.go)
}

var _ Host = (*SSH)(nil)

// sudoPrefix runs a command as root or fails at once, never prompting.
var sudoPrefix = []string{"sudo", "-n", "--"}

// DialSSH connects and authenticates, verifies the host key, starts SFTP
// (under sudo when configured) and checks Root. The connection is reused by
// every operation until Close.
func DialSSH(ctx context.Context, cfg SSHConfig) (*SSH, error) {
	var sudo []string
	if cfg.Sudo && cfg.User != "" && cfg.User != "root" {
		sudo = sudoPrefix
	}
	return dialSSH(ctx, cfg, sudo)
}

// CheckSSHAddress refuses a host address that carries a port
// ("10.0.0.5:22", "[::1]:2222", "db1.example:22"): the port is a setting
// of its own, and dialling such an address fails with a puzzling
// "no such host". Bare IPv6 addresses ("fe80::1") and bracketed ones
// ("[::1]") pass.
func CheckSSHAddress(address string) error {
	i := strings.LastIndexByte(address, ':')
	if i < 0 {
		return nil
	}
	name, port := address[:i], address[i+1:]
	if strings.HasPrefix(name, "[") && strings.HasSuffix(name, "]") {
		name = name[1 : len(name)-1]
	} else if strings.Contains(name, ":") {
		return nil // a bare IPv6 address, or "[::1]"
	}
	if n, err := strconv.ParseUint(port, 10, 16); err == nil && n > 0 {
		return fmt.Errorf("%q includes a port: set host = %q and port = %d instead", address, name, n)
	}
	return fmt.Errorf("%q ends in %q, which no host name or address does: set host = %q and the SSH port number in port", address, ":"+port, name)
}

// dialSSH is DialSSH with the sudo prefix chosen by the caller (tests
// stand in a fake sudo).
func dialSSH(ctx context.Context, cfg SSHConfig, sudo []string) (*SSH, error) {
	if cfg.Address == "" {
		return nil, errors.New("ssh: host address is empty")
	}
	if err := CheckSSHAddress(cfg.Address); err != nil {
		return nil, fmt.Errorf("ssh: host %w", err)
	}
	port := cfg.Port
	if port == 0 {
		port = 22
	}
	if port < 1 || port > 65535 {
		return nil, fmt.Errorf("ssh: port %d is out of range", port)
	}
	user := cfg.User
	if user == "" {
		user = "root"
	}
	timeout := cfg.ConnectTimeout
	if timeout == 0 {
		timeout = defaultConnectTimeout
	}
	if timeout < 0 {
		return nil, fmt.Errorf("ssh: connect timeout %s is negative", timeout)
	}
	keepalive := cfg.KeepaliveInterval
	if keepalive == 0 {
		keepalive = defaultKeepaliveInterval
	}
	if keepalive < 0 {
		return nil, fmt.Errorf("ssh: keepalive interval %s is negative", keepalive)
	}
	address := cfg.Address
	if strings.HasPrefix(address, "[") && strings.HasSuffix(address, "]") {
		address = address[1 : len(address)-1] // "[::1]" as in known_hosts
	}
	s := &SSH{
		addr:      net.JoinHostPort(address, strconv.Itoa(port)),
		user:      user,
		sudo:      sudo,
		timeout:   timeout,
		keepalive: keepalive,
		sessions:  make(chan struct{}, maxSSHSessions),
		lock:      make(chan struct{}, 1),
	}
	s.name = user + "@" + s.addr
	if cfg.Root != "" && cfg.Root != "/" {
		if err := CheckPath(cfg.Root); err != nil {
			return nil, fmt.Errorf("root %q: %w", cfg.Root, err)
		}
		s.root = cfg.Root
		s.name += ":" + cfg.Root
	}
	var err error
	if s.auth, err = newSSHAuth(cfg); err != nil {
		return nil, err
	}
	if s.hostKeyCallback, s.hostKeyAlgorithms, err = newHostKeyCheck(cfg, s.addr); err != nil {
		return nil, err
	}
	c, err := s.connect(ctx)
	if err != nil {
		return nil, err
	}
	s.conn = c
	if s.root != "" {
		info, err := c.sftp.Stat(s.root)
		switch {
		case err != nil && isTransport(err):
			_ = s.Close()
			return nil, fmt.Errorf("root %q on %s: %w", s.root, s.hostName(), &connError{msg: err.Error()})
		case err != nil:
			_ = s.Close()
			return nil, fmt.Errorf("root %q on %s: %w", s.root, s.hostName(), err)
		case !info.IsDir():
			_ = s.Close()
			return nil, fmt.Errorf("root %q on %s is not a directory", s.root, s.hostName())
		}
	}
	return s, nil
}

// Name is "user@host:port", with ":ROOT" appended when paths are mapped.
func (s *SSH) Name() string { return s.name }

// Root is the remote directory managed paths are mapped below.
func (s *SSH) Root() string {
	if s.root == "" {
		return "/"
	}
	return s.root
}

// hostName is the host without the root, for messages about the host itself.
func (s *SSH) hostName() string { return s.user + "@" + s.addr }

// Close ends the connection; the SSH host cannot be used afterwards.
func (s *SSH) Close() error {
	s.lock <- struct{}{}
	defer func() { <-s.lock }()
	s.closed = true
	if s.conn != nil {
		s.conn.close()
		s.conn = nil
	}
	return nil
}

// sshConn is one SSH connection with its SFTP client.
type sshConn struct {
	client *ssh.Client
	sftp   *sftp.Client // on sftp-server run by sh (and sudo), or on the sftp subsystem
	// privateUmask: the SFTP server runs with the umask 077, so what it
	// creates is private until spice sets owner and mode. False on the
	// sftp subsystem, whose umask is sshd's.
	privateUmask bool
	dead         chan struct{} // closed when the SSH connection ends
	sftpDead     chan struct{} // closed when the SFTP channel ends
	broken       atomic.Bool
	// keepalive is the probe interval and timeout (SSH.keepalive).
	keepalive time.Duration

	// What the sweep of stale temporary entries needs (ssh_sweep.go):
	// creator tags the temporary names made through this connection;
	// serverPID and euid are its SFTP server's; sweeps is false where
	// stale entries cannot be told; swept holds the directories swept.
	creator   string
	serverPID int
	euid      int
	sweeps    bool
	swept     sync.Map
}

func (c *sshConn) alive() bool {
	if c.broken.Load() {
		return false
	}
	select {
	case <-c.dead:
		return false
	default:
		return true
	}
}

// retire closes a connection an operation found broken, so nothing else
// uses it and the next operation connects anew.
func (c *sshConn) retire() {
	c.broken.Store(true)
	_ = c.client.Close()
}

func (c *sshConn) close() {
	c.broken.Store(true)
	// The SSH connection first: closing SFTP waits for its reader, which
	// only ends once the channel is gone.
	_ = c.client.Close()
	if c.sftp != nil {
		_ = c.sftp.Close()
	}
}

// probe pings the server every keepalive interval, so a dead link (no
// RST, e.g. a rebooted NAT) is noticed within two intervals instead of
// hanging the next operation.
func (c *sshConn) probe() {
	every := c.keepalive
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-c.dead:
			return
		case <-tick.C:
		}
		if !c.ping(every) {
			c.retire()
			return
		}
	}
}

// ping reports whether the server answers a keepalive request in time.
func (c *sshConn) ping(timeout time.Duration) bool {
	reply := make(chan error, 1)
	go func() {
		_, _, err := c.client.SendRequest("keepalive@openssh.com", true, nil)
		reply <- err
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err := <-reply:
		return err == nil
	case <-timer.C:
		return false
	case <-c.dead:
		return false
	}
}

// failed decides, after an SFTP error that is no answer from the server,
// whether the link (or the SFTP channel) is gone. A connection that still
// answers keeps serving everyone else, and the error is returned as is.
func (c *sshConn) failed() bool {
	closed := func(ch chan struct{}) bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	if !c.alive() || closed(c.sftpDead) {
		return true
	}
	// The ping's round trip also lets a dying SFTP channel finish closing.
	return !c.ping(c.keepalive) || closed(c.sftpDead)
}

// current returns the live connection, connecting when there is none or
// the last one broke.
func (s *SSH) current(ctx context.Context) (*sshConn, error) {
	select {
	case s.lock <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("connect to %s: %w", s.addr, ctx.Err())
	}
	defer func() { <-s.lock }()
	if s.closed {
		return nil, errors.New("the SSH connection was closed")
	}
	if s.conn != nil && s.conn.alive() {
		return s.conn, nil
	}
	if s.conn != nil {
		s.conn.close()
		s.conn = nil
	}
	c, err := s.connect(ctx)
	if err != nil {
		return nil, err
	}
	s.conn = c
	return c, nil
}

// connect dials, verifies the host key, authenticates and starts SFTP, all
// within the connect timeout. Its errors never wrap fs.ErrNotExist: a host
// that cannot be reached must not look like an absent file.
func (s *SSH) connect(parent context.Context) (*sshConn, error) {
	ctx, cancel := context.WithTimeout(parent, s.timeout)
	defer cancel()
	// Whose deadline ends a slow connect: the caller's, or connect_timeout.
	callerDeadline, ok := parent.Deadline()
	callers := ok && callerDeadline.Before(time.Now().Add(s.timeout))
	var dialer net.Dialer
	nc, err := dialer.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return nil, s.connectErr(parent, ctx, callers, err)
	}
	// The deadline bounds the handshake and SFTP start; cancelling ctx
	// wakes them at once.
	if deadline, ok := ctx.Deadline(); ok {
		_ = nc.SetDeadline(deadline)
	}
	stop := context.AfterFunc(ctx, func() { _ = nc.SetDeadline(time.Unix(1, 0)) })
	c, err := s.handshake(nc)
	if !stop() && err == nil {
		// ctx ended while finishing: the deadline may be set at any moment.
		c.close()
		err = ctx.Err()
	}
	if err != nil {
		_ = nc.Close()
		return nil, s.connectErr(parent, ctx, callers, err)
	}
	_ = nc.SetDeadline(time.Time{})
	go c.probe()
	return c, nil
}

func (s *SSH) handshake(nc net.Conn) (*sshConn, error) {
	methods, done, err := s.auth.methods()
	if err != nil {
		return nil, err
	}
	defer done()
	var hostKeyErr error
	config := &ssh.ClientConfig{
		User:              s.user,
		Auth:              methods,
		HostKeyAlgorithms: s.hostKeyAlgorithms,
		HostKeyCallback: func(hostname string, remote net.Addr, key ssh.PublicKey) error {
			hostKeyErr = s.hostKeyCallback(hostname, remote, key)
			return hostKeyErr
		},
	}
	cc, chans, reqs, err := ssh.NewClientConn(nc, s.addr, config)
	switch {
	case hostKeyErr != nil:
		return nil, hostKeyErr
	case err != nil && strings.Contains(err.Error(), "unable to authenticate"):
		return nil, &hostError{msg: fmt.Sprintf("authenticate as %s on %s: the server accepted none of the keys from %s",
			s.user, s.addr, s.auth.describe())}
	case err != nil:
		return nil, err
	}
	c := &sshConn{client: ssh.NewClient(cc, chans, reqs), dead: make(chan struct{}), sftpDead: make(chan struct{}), keepalive: s.keepalive}
	go func() {
		_ = c.client.Wait()
		close(c.dead)
	}()
	if err := s.startSFTP(c); err != nil {
		c.close()
		return nil, err
	}
	c.identify()
	go func() {
		_ = c.sftp.Wait()
		close(c.sftpDead)
	}()
	return c, nil
}

func (s *SSH) connectErr(parent, ctx context.Context, callers bool, err error) error {
	var he *hostError
	var ne net.Error
	timedOut := ctx.Err() != nil || (errors.As(err, &ne) && ne.Timeout())
	switch {
	case errors.As(err, &he):
		return err
	case parent.Err() != nil:
		return fmt.Errorf("connect to %s: %w", s.addr, parent.Err())
	case timedOut && callers:
		// The I/O deadline can fire just before the caller's context does.
		return fmt.Errorf("connect to %s: %w", s.addr, context.DeadlineExceeded)
	case timedOut:
		return &connError{msg: fmt.Sprintf("no SSH connection to %s within %s (connect_timeout)", s.addr, s.timeout)}
	}
	return &connError{msg: fmt.Sprintf("connect to %s: %v", s.addr, err)}
}

// findSFTPServer is run by sh (through sudo when configured): the first
// sftp-server found replaces it, with the umask 077, so that every file and
// directory it creates is private until spice has set its owner and mode:
// no one else can open a temporary file while it waits for its content.
var findSFTPServer = `umask 077; for p in ` + strings.Join(sftpServers, " ") + `; do if [ -x "$p" ]; then exec "$p"; fi; done; ` +
	`echo "no sftp-server in ` + strings.Join(sftpServers, ", ") + `" >&2; exit 127`

func (s *SSH) startSFTP(c *sshConn) error {
	sc, stderr, err := s.execSFTPServer(c)
	switch {
	case err == nil:
		c.sftp, c.privateUmask = sc, true
	case s.sudo != nil:
		var he *hostError
		if errors.As(err, &he) {
			return err
		}
		return s.sudoErr(stderr, err)
	default:
		// No sftp-server where we look (or no shell to start one): the
		// sshd's sftp subsystem, with whatever umask sshd gives it.
		sc, err := sftp.NewClient(c.client, sftpOptions()...)
		if err != nil {
			return &connError{msg: fmt.Sprintf("start SFTP on %s: %v", s.hostName(), err)}
		}
		c.sftp = sc
	}
	for _, ext := range []string{"posix-rename@openssh.com", "fsync@openssh.com"} {
		if _, ok := c.sftp.HasExtension(ext); !ok {
			return &hostError{msg: fmt.Sprintf("the SFTP server on %s lacks the %s extension that atomic writes need (OpenSSH has it since 6.5)", s.hostName(), ext)}
		}
	}
	return nil
}

func sftpOptions() []sftp.ClientOption {
	// Concurrent writes only ever go to a temporary file that a failure
	// discards; fstat reads the size of the open file, not of the path.
	return []sftp.ClientOption{sftp.UseConcurrentWrites(true), sftp.UseFstat(true)}
}

// execSFTPServer starts sftp-server in a session of its own (see
// findSFTPServer). On failure it returns what the session wrote to
// stderr, which says why (sudo's or sh's message).
func (s *SSH) execSFTPServer(c *sshConn) (*sftp.Client, []byte, error) {
	sess, err := c.client.NewSession()
	if err != nil {
		return nil, nil, err
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		_ = sess.Close()
		return nil, nil, err
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		_ = sess.Close()
		return nil, nil, err
	}
	stderr := &cappedBuffer{}
	sess.Stderr = stderr
	line, _ := shellJoin(slices.Concat(s.sudo, []string{"/bin/sh", "-c", findSFTPServer}))
	if err := sess.Start(line); err != nil {
		_ = sess.Close()
		return nil, nil, &hostError{msg: fmt.Sprintf("start sftp-server on %s: %v", s.hostName(), err)}
	}
	sc, err := sftp.NewClientPipe(stdout, stdin, sftpOptions()...)
	if err != nil {
		// sudo or sh said why on stderr before exiting.
		waited := make(chan struct{})
		go func() {
			_ = sess.Wait()
			close(waited)
		}()
		select {
		case <-waited:
		case <-time.After(2 * time.Second):
		}
		_ = sess.Close()
		return nil, stderr.Bytes(), err
	}
	return sc, nil, nil
}

func (s *SSH) sudoErr(stderr []byte, err error) error {
	msg := string(stderr)
	switch {
	case sudoWantsPassword(stderr):
		return &hostError{msg: fmt.Sprintf("sudo on %s needs a password; configure NOPASSWD for %s or connect as root", s.hostName(), s.user)}
	case strings.TrimSpace(msg) != "":
		return &hostError{msg: fmt.Sprintf("start sftp-server with sudo on %s as %s: %s", s.hostName(), s.user, lastLine(stderr))}
	}
	return &hostError{msg: fmt.Sprintf("start sftp-server with sudo on %s as %s: %v", s.hostName(), s.user, err)}
}

func sudoWantsPassword(stderr []byte) bool {
	msg := string(stderr)
	return strings.Contains(msg, "sudo:") &&
		(strings.Contains(msg, "password is required") || strings.Contains(msg, "terminal is required"))
}

// connError is a failure of the link, not an answer from the host. It
// deliberately wraps nothing, so errors.Is(err, fs.ErrNotExist) can never
// mistake an unreachable host for an absent file.
type connError struct{ msg string }

func (e *connError) Error() string { return "connection failed: " + e.msg }

// hostError is an answer about the host (a wrong key, a file in the way)
// or the configuration (an unreadable key file): never retried on a new
// connection, and wrapping nothing, so a missing key file cannot pass for
// a missing managed file.
type hostError struct{ msg string }

func (e *hostError) Error() string { return e.msg }

// isTransport tells a broken link from an answer of the SFTP server.
func isTransport(err error) bool {
	var status *sftp.StatusError
	var he *hostError
	switch {
	case err == nil, errors.As(err, &status), errors.As(err, &he):
		return false
	// pkg/sftp turns the server's "no such file" and "permission denied"
	// statuses into these.
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		return false
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	}
	return true
}
