// Package sshd runs a real OpenSSH server on 127.0.0.1 for tests, with its
// own host key, client key and configuration in a temporary directory, and
// a TCP proxy that tests can count, cut and freeze.
package sshd

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

const sshdPath = "/usr/sbin/sshd"

// privsepDir is compiled into Debian's sshd, which refuses to start
// without it. The ssh service creates it at boot (RuntimeDirectory); on a
// machine without a running sshd it is missing.
const privsepDir = "/run/sshd"

// Server is a running sshd accepting User with PrivateKeyFile.
type Server struct {
	Host string // 127.0.0.1
	Port int
	Addr string // host:port
	User string // root

	PrivateKeyFile string // the client key, OpenSSH PEM, mode 0600
	PrivateKeyPEM  string
	// KnownHostsFile has a "[127.0.0.1]:PORT" line for the host key;
	// HashedKnownHostsFile has the same entry with a hashed host name.
	KnownHostsFile       string
	HashedKnownHostsFile string
	HostKey              string // the host's public key, authorized_keys format
	HostPublicKey        ssh.PublicKey
	RSAHostPublicKey     ssh.PublicKey // the second host key, with Options.RSAHostKey

	Dir string // configuration, keys and pid file

	pid     int
	log     *syncBuffer
	umask   string
	wrapper []string // Options.Wrapper
}

// PID is sshd's process ID: with a wrapper, the way into its namespaces.
func (s *Server) PID() int { return s.pid }

// Start runs sshd for the test and stops it (and the connection processes
// it forked) when the test ends. Sessions get the umask 077, so tests see
// whether modes are set explicitly rather than left to the umask, and a
// clean environment: SHLVL=1 keeps Debian's bash from sourcing ~/.bashrc
// for commands run over SSH (bash does that only at shell level 1).
func Start(t testing.TB) *Server {
	t.Helper()
	return StartWithOptions(t, Options{})
}

// Options vary the server.
type Options struct {
	// RSAHostKey gives the server an RSA host key besides its ed25519
	// one, as most real hosts have (the known_hosts files list only the
	// ed25519 key).
	RSAHostKey bool
	// Umask is the sessions' umask instead of 077: "022" is what most
	// real hosts give an SFTP subsystem.
	Umask string
	// Wrapper runs sshd under a command that ends by exec'ing its
	// arguments (unshare, nsenter), so the PID stays sshd's; sshd then
	// listens on 0.0.0.0:Port inside whatever namespace the wrapper made,
	// and clients reach it at Host:Port. Host and Port are required with
	// a wrapper: nothing here can probe a free port in another namespace.
	Wrapper []string
	Host    string
	Port    int
}

// StartWithOptions is Start for a server that differs from the default.
func StartWithOptions(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Wrapper != nil {
		return StartAll(t, []Options{opts})[0]
	}
	requireSSHD(t)
	s, hostPub := newServer(t, opts)
	var lastErr error
	for range 3 { // the free port can be taken between probe and bind
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		if lastErr = s.start(t, port); lastErr == nil {
			break
		}
	}
	if lastErr != nil {
		t.Fatal(lastErr)
	}
	s.writeKnownHosts(t, hostPub)
	return s
}

// requireSSHD skips (or fails) a test that cannot run sshd, and makes
// the directory sshd needs.
func requireSSHD(t testing.TB) {
	t.Helper()
	testsupport.RequireRoot(t)
	_, err := os.Stat(sshdPath)
	testsupport.Require(t, err == nil, "%s (apt-get install openssh-server)", sshdPath)
	if _, err := os.Stat(privsepDir); errors.Is(err, os.ErrNotExist) {
		// The same directory the ssh service would create: empty, root-owned.
		if err := os.Mkdir(privsepDir, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			t.Fatalf("create %s for sshd: %v", privsepDir, err)
		}
	}
}

// StartAll starts servers with wrappers (see Options.Wrapper) in
// parallel: namespace hosts take a while each to start.
func StartAll(t testing.TB, opts []Options) []*Server {
	t.Helper()
	requireSSHD(t)
	servers := make([]*Server, len(opts))
	waits := make([]func() error, len(opts))
	keys := make([]ssh.PublicKey, len(opts))
	for i, o := range opts {
		if o.Wrapper == nil || o.Host == "" || o.Port == 0 {
			t.Fatal("sshd.StartAll: every server needs a Wrapper, Host and Port")
		}
		servers[i], keys[i] = newServer(t, o)
		servers[i].Host = o.Host
		var err error
		if waits[i], err = servers[i].launch(t, o.Port); err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range servers {
		if err := waits[i](); err != nil {
			t.Fatal(err)
		}
		s.writeKnownHosts(t, keys[i])
	}
	return servers
}

// newServer writes the keys of a server to start.
func newServer(t testing.TB, opts Options) (*Server, ssh.PublicKey) {
	t.Helper()
	s := &Server{Host: "127.0.0.1", User: "root", Dir: t.TempDir(), umask: "077", wrapper: opts.Wrapper}
	if opts.Umask != "" {
		s.umask = opts.Umask
	}
	hostPub := s.writeKeys(t)
	if opts.RSAHostKey {
		s.writeRSAHostKey(t)
	}
	return s, hostPub
}

func (s *Server) writeRSAHostKey(t testing.TB) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(key, "")
	if err != nil {
		t.Fatal(err)
	}
	if s.RSAHostPublicKey, err = ssh.NewPublicKey(&key.PublicKey); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.Dir, "ssh_host_rsa_key"), pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (s *Server) writeKeys(t testing.TB) ssh.PublicKey {
	t.Helper()
	hostPub, hostPEM := newKey(t)
	clientPub, clientPEM := newKey(t)
	s.HostPublicKey = hostPub
	s.HostKey = strings.TrimSpace(string(ssh.MarshalAuthorizedKey(hostPub)))
	s.PrivateKeyPEM = string(clientPEM)
	s.PrivateKeyFile = filepath.Join(s.Dir, "id_ed25519")
	files := map[string][]byte{
		"ssh_host_ed25519_key": hostPEM,
		"id_ed25519":           clientPEM,
		"authorized_keys":      ssh.MarshalAuthorizedKey(clientPub),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(s.Dir, name), content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return hostPub
}

// NewKey returns a fresh ed25519 key pair: the public key and the private
// key in OpenSSH PEM form.
func NewKey(t testing.TB) (ssh.PublicKey, []byte) {
	t.Helper()
	return newKey(t)
}

func newKey(t testing.TB) (ssh.PublicKey, []byte) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return sshPub, pem.EncodeToMemory(block)
}

func (s *Server) writeKnownHosts(t testing.TB, hostPub ssh.PublicKey) {
	t.Helper()
	s.KnownHostsFile = s.WriteKnownHosts(t, "known_hosts", s.Addr, hostPub, false)
	s.HashedKnownHostsFile = s.WriteKnownHosts(t, "known_hosts.hashed", s.Addr, hostPub, true)
}

// WriteKnownHosts writes a known_hosts file named name in the server's
// directory with one entry: key for addr (host:port), the host name hashed
// when hashed is set. Tests use it for a proxy's address or a wrong key.
func (s *Server) WriteKnownHosts(t testing.TB, name, addr string, key ssh.PublicKey, hashed bool) string {
	t.Helper()
	host := knownhosts.Normalize(addr)
	if hashed {
		host = knownhosts.HashHostname(host)
	}
	file := filepath.Join(s.Dir, name)
	if err := os.WriteFile(file, []byte(knownhosts.Line([]string{host}, key)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port, err := testsupport.PortOf(l)
	if err != nil {
		_ = l.Close()
		return 0, err
	}
	return port, l.Close()
}

func (s *Server) start(t testing.TB, port int) error {
	t.Helper()
	listening, err := s.launch(t, port)
	if err != nil {
		return err
	}
	return listening()
}

// launch starts sshd, to be stopped when the test ends, and returns what
// waits until it listens: servers launched together start in parallel.
func (s *Server) launch(t testing.TB, port int) (wait func() error, err error) {
	t.Helper()
	s.Port = port
	s.Addr = net.JoinHostPort(s.Host, strconv.Itoa(port))
	config := filepath.Join(s.Dir, "sshd_config")
	listen := s.Addr
	if s.wrapper != nil {
		listen = net.JoinHostPort("0.0.0.0", strconv.Itoa(port))
	}
	lines := []string{
		"ListenAddress " + listen,
		"AddressFamily inet",
		"HostKey " + filepath.Join(s.Dir, "ssh_host_ed25519_key"),
		"PidFile " + filepath.Join(s.Dir, "sshd.pid"),
		"AuthorizedKeysFile " + filepath.Join(s.Dir, "authorized_keys"),
		"StrictModes no",
		"UsePAM no",
		"PermitRootLogin prohibit-password",
		"PubkeyAuthentication yes",
		"PasswordAuthentication no",
		"KbdInteractiveAuthentication no",
		"PermitUserEnvironment no",
		"SetEnv SHLVL=1",
		"PrintMotd no",
		"PrintLastLog no",
		"UseDNS no",
		"X11Forwarding no",
		"AllowAgentForwarding no",
		// Local forwarding only: host.SSH.DialContext reaches loopback services.
		"AllowTcpForwarding local",
		"MaxSessions 10",
		"LogLevel VERBOSE",
		"Subsystem sftp /usr/lib/openssh/sftp-server",
	}
	if s.RSAHostPublicKey != nil {
		lines = append(lines, "HostKey "+filepath.Join(s.Dir, "ssh_host_rsa_key"))
	}
	conf := strings.Join(lines, "\n") + "\n"
	if err := os.WriteFile(config, []byte(conf), 0o600); err != nil {
		return nil, err
	}

	// sh only sets the umask, then becomes sshd: the PID is sshd's.
	argv := append(slices.Clone(s.wrapper), "/bin/sh", "-c", `umask "$2" && exec "$0" -D -e -f "$1"`, sshdPath, config, s.umask)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
	s.log = &syncBuffer{}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start sshd: %w", err)
	}
	s.pid = cmd.Process.Pid
	listening := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			s.log.WriteLine(line)
			if strings.HasPrefix(line, "Server listening on") {
				once.Do(func() { close(listening) })
			}
		}
		_ = cmd.Wait()
		close(exited)
	}()

	t.Cleanup(func() { s.stop(exited) })
	return func() error {
		select {
		case <-listening:
			return nil
		case <-exited:
			return fmt.Errorf("sshd exited before listening on %s:\n%s", s.Addr, s.log.String())
		case <-time.After(10 * time.Second):
			s.stop(exited)
			return fmt.Errorf("sshd did not listen on %s within 10s:\n%s", s.Addr, s.log.String())
		}
	}, nil
}

// stop ends sshd and every process it forked (one per connection, each in
// its own session, so a process group would not reach them), by PID.
func (s *Server) stop(exited <-chan struct{}) {
	select {
	case <-exited:
		return // stopped before, or it never listened; its PID may be reused
	default:
	}
	children := descendants(s.pid)
	_ = syscall.Kill(s.pid, syscall.SIGTERM)
	for _, pid := range children {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(s.pid, syscall.SIGKILL)
		<-exited
	}
}

// descendants lists the processes below pid from /proc.
func descendants(pid int) []int {
	parent := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(stat[i+1:]))
		if len(fields) < 2 {
			continue
		}
		if pp, err := strconv.Atoi(fields[1]); err == nil {
			parent[p] = pp
		}
	}
	var out []int
	frontier := []int{pid}
	for len(frontier) > 0 {
		next := frontier[0]
		frontier = frontier[1:]
		for p, pp := range parent {
			if pp == next {
				out = append(out, p)
				frontier = append(frontier, p)
			}
		}
	}
	return out
}

// Log is what sshd wrote so far (it logs to stderr with -e).
func (s *Server) Log() string { return s.log.String() }

// Logins counts the successful authentications so far: one per SSH
// connection a client established.
func (s *Server) Logins() int {
	return strings.Count(s.log.String(), "Accepted publickey for ")
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) WriteLine(line string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.WriteString(line)
	b.buf.WriteByte('\n')
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Proxy forwards TCP connections from its own 127.0.0.1 port to a target,
// counting them, and can break them the two ways links break: Cut closes
// them (the peer sees EOF or a reset), Freeze silently drops all traffic
// (a dead route, noticed only by timeouts or keepalives).
type Proxy struct {
	Addr string
	Port int

	target   string
	listener net.Listener

	delay time.Duration // ProxyOptions.Delay

	mu       sync.Mutex
	accepted int
	conns    []*proxyConn
	refuse   bool
}

type proxyConn struct {
	client, server net.Conn
	delay          time.Duration
	mu             sync.Mutex
	frozen         bool
}

// NewProxy starts a proxy to target (host:port); it stops with the test.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	return NewProxyWithOptions(t, target, ProxyOptions{})
}

// ProxyOptions vary a proxy.
type ProxyOptions struct {
	// Gate holds the connections until the gate opens (nil: none).
	Gate *Gate
	// Delay holds every chunk of data this long in each direction: a
	// link's latency, half of its round trip.
	Delay time.Duration
}

// Gate holds the connections made to the proxies that share it until n
// have arrived, then lets them all through, and every later one at once:
// a client that connects to several hosts one at a time never gets past
// the first.
type Gate struct {
	mu      sync.Mutex
	n       int
	arrived int
	open    chan struct{}
}

// NewGate makes a gate that opens at the n-th connection.
func NewGate(n int) *Gate { return &Gate{n: n, open: make(chan struct{})} }

// arrive counts a connection and returns what closes when the gate opens.
func (g *Gate) arrive() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.arrived++
	if g.arrived == g.n {
		close(g.open)
	}
	return g.open
}

// NewProxyWithOptions is NewProxy for a proxy that differs from the
// default.
func NewProxyWithOptions(t testing.TB, target string, opts ProxyOptions) *Proxy {
	t.Helper()
	gate := opts.Gate
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port, err := testsupport.PortOf(l)
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{Addr: l.Addr().String(), Port: port, target: target, listener: l, delay: opts.Delay}
	done, stopped := make(chan struct{}), make(chan struct{})
	var held sync.WaitGroup
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			if gate == nil {
				p.handle(c)
				continue
			}
			open := gate.arrive()
			held.Go(func() {
				select {
				case <-open:
					p.handle(c)
				case <-stopped:
					_ = c.Close()
				}
			})
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		<-done
		close(stopped)
		held.Wait()
		p.Cut()
	})
	return p
}

func (p *Proxy) handle(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.accepted++
	if p.refuse {
		_ = c.Close()
		return
	}
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = c.Close()
		return
	}
	pc := &proxyConn{client: c, server: s, delay: p.delay}
	p.conns = append(p.conns, pc)
	go pc.pipe(c, s)
	go pc.pipe(s, c)
}

// chunk is data read from one side, due at the other at a time.
type chunk struct {
	data []byte
	due  time.Time
}

func (pc *proxyConn) pipe(from, to net.Conn) {
	defer func() {
		_ = from.Close()
		_ = to.Close()
	}()
	if pc.delay > 0 {
		pc.pipeDelayed(from, to)
		return
	}
	buf := make([]byte, 32<<10)
	for {
		n, err := from.Read(buf)
		if n > 0 && !pc.isFrozen() {
			if _, werr := to.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (pc *proxyConn) isFrozen() bool {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.frozen
}

// pipeDelayed forwards each chunk pc.delay after it was read, in order.
func (pc *proxyConn) pipeDelayed(from, to net.Conn) {
	chunks := make(chan chunk, 1024)
	go func() {
		defer close(chunks)
		for {
			buf := make([]byte, 32<<10)
			n, err := from.Read(buf)
			if n > 0 {
				chunks <- chunk{buf[:n], time.Now().Add(pc.delay)}
			}
			if err != nil {
				return
			}
		}
	}()
	defer func() {
		_ = from.Close() // ends the reader
		for range chunks {
		}
	}()
	for c := range chunks {
		time.Sleep(time.Until(c.due))
		if pc.isFrozen() {
			continue
		}
		if _, err := to.Write(c.data); err != nil {
			return
		}
	}
}

// Accepted counts the connections made to the proxy so far.
func (p *Proxy) Accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

// Cut closes every connection forwarded so far.
func (p *Proxy) Cut() {
	p.mu.Lock()
	conns := p.conns
	p.conns = nil
	p.mu.Unlock()
	for _, pc := range conns {
		_ = pc.client.Close()
		_ = pc.server.Close()
	}
}

// Freeze makes every connection forwarded so far drop its traffic in both
// directions while staying open; new connections work normally.
func (p *Proxy) Freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pc := range p.conns {
		pc.mu.Lock()
		pc.frozen = true
		pc.mu.Unlock()
	}
}

// Refuse makes the proxy close new connections at once (the host is down
// or unreachable); it does not touch established ones.
func (p *Proxy) Refuse(refuse bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refuse = refuse
}
