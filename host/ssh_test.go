package host_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/host/hosttest"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sshd"
)

func sshConfig(srv *sshd.Server) host.SSHConfig {
	return host.SSHConfig{
		Address:        srv.Host,
		Port:           srv.Port,
		User:           srv.User,
		PrivateKeyFile: srv.PrivateKeyFile,
		KnownHostsFile: srv.KnownHostsFile,
		ConnectTimeout: 5 * time.Second,
	}
}

// viaProxy reaches srv through p; the host key is pinned because
// known_hosts names the server's own port.
func viaProxy(srv *sshd.Server, p *sshd.Proxy) host.SSHConfig {
	cfg := sshConfig(srv)
	cfg.Port = p.Port
	cfg.KnownHostsFile = ""
	cfg.HostKey = srv.HostKey
	return cfg
}

func dialSSH(t *testing.T, cfg host.SSHConfig) *host.SSH {
	t.Helper()
	h, err := host.DialSSH(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = h.Close() })
	return h
}

// TestSSH holds SSH to the same behaviour as Local, against a real sshd
// on this machine (Root maps the test's directory, so the suite sees the
// bytes on disk).
func TestSSH(t *testing.T) {
	srv := sshd.Start(t)
	hosttest.Run(t, func(t *testing.T) (host.Host, string) {
		root := t.TempDir()
		cfg := sshConfig(srv)
		cfg.Root = root
		return dialSSH(t, cfg), root
	})
}

func TestSSH_nameAndDefaults(t *testing.T) {
	srv := sshd.Start(t)
	cfg := sshConfig(srv)
	cfg.User = "" // root
	h := dialSSH(t, cfg)
	assert.Equal(t, "root@"+srv.Addr, h.Name())

	root := t.TempDir()
	cfg.Root = root
	assert.Equal(t, "root@"+srv.Addr+":"+root, dialSSH(t, cfg).Name())

	cfg.Root = "/"
	h = dialSSH(t, cfg)
	assert.Equal(t, "root@"+srv.Addr, h.Name(), `root "/" maps nothing`)
	b, err := h.ReadFile(context.Background(), srv.KnownHostsFile)
	require.NoError(t, err)
	assert.Contains(t, string(b), srv.HostKey[len("ssh-ed25519 "):])
}

func TestSSH_rootMustBeADirectory(t *testing.T) {
	srv := sshd.Start(t)
	cfg := sshConfig(srv)
	cfg.Root = filepath.Join(t.TempDir(), "missing")
	_, err := host.DialSSH(context.Background(), cfg)
	assert.ErrorContains(t, err, "root "+strconv.Quote(cfg.Root))

	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	cfg.Root = file
	_, err = host.DialSSH(context.Background(), cfg)
	assert.ErrorContains(t, err, "is not a directory")

	cfg.Root = "relative"
	_, err = host.DialSSH(context.Background(), cfg)
	assert.ErrorContains(t, err, "absolute")
}

// An address with a port (SPICE_HOST="10.0.0.5:22" reaches DialSSH
// unvalidated) is refused before dialling, saying where the port goes,
// instead of failing as "no such host".
func TestSSH_addressWithPort(t *testing.T) {
	_, err := host.DialSSH(context.Background(), host.SSHConfig{Address: "127.0.0.1:2222"})
	assert.EqualError(t, err, `ssh: host "127.0.0.1:2222" includes a port: set host = "127.0.0.1" and port = 2222 instead`)
}

func TestSSH_unknownHostKey(t *testing.T) {
	srv := sshd.Start(t)
	fingerprint := ssh.FingerprintSHA256(srv.HostPublicKey)
	empty := filepath.Join(t.TempDir(), "known_hosts")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	for name, file := range map[string]string{"empty": empty, "missing": filepath.Join(t.TempDir(), "none")} {
		t.Run(name, func(t *testing.T) {
			cfg := sshConfig(srv)
			cfg.KnownHostsFile = file
			_, err := host.DialSSH(context.Background(), cfg)
			require.Error(t, err)
			msg := err.Error()
			assert.Contains(t, msg, "host key of "+srv.Addr+" is unknown")
			assert.Contains(t, msg, "ssh-ed25519 "+fingerprint, "the offered key's type and fingerprint")
			assert.Contains(t, msg, file, "the known_hosts file")
			assert.Contains(t, msg, fmt.Sprintf("[127.0.0.1]:%d %s", srv.Port, srv.HostKey), "the line to add")
			assert.NotErrorIs(t, err, fs.ErrNotExist)
		})
	}
}

func TestSSH_changedHostKey(t *testing.T) {
	srv := sshd.Start(t)
	other, _ := sshd.NewKey(t)
	cfg := sshConfig(srv)
	cfg.KnownHostsFile = srv.WriteKnownHosts(t, "known_hosts.other", srv.Addr, other, false)
	_, err := host.DialSSH(context.Background(), cfg)
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "host key of "+srv.Addr+" has CHANGED")
	assert.Contains(t, msg, "offers ssh-ed25519 "+ssh.FingerprintSHA256(srv.HostPublicKey))
	assert.Contains(t, msg, ssh.FingerprintSHA256(other)+" ("+cfg.KnownHostsFile+":1)")
}

func TestSSH_hashedKnownHosts(t *testing.T) {
	srv := sshd.Start(t)
	b, err := os.ReadFile(srv.HashedKnownHostsFile)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(b), "|1|"), "hashed entry: %s", b)
	cfg := sshConfig(srv)
	cfg.KnownHostsFile = srv.HashedKnownHostsFile
	h := dialSSH(t, cfg)
	_, err = h.Stat(context.Background(), srv.Dir)
	assert.NoError(t, err)
}

// TestSSH_asksForTheKnownKeyType: a host known by its RSA key also has an
// ed25519 key, which a client asks for first by default; it must be asked
// for the RSA key instead of being reported as changed.
func TestSSH_asksForTheKnownKeyType(t *testing.T) {
	srv := sshd.StartWithOptions(t, sshd.Options{RSAHostKey: true})
	cfg := sshConfig(srv)
	dialSSH(t, cfg) // known as ed25519
	cfg.KnownHostsFile = srv.WriteKnownHosts(t, "known_hosts.rsa", srv.Addr, srv.RSAHostPublicKey, true)
	dialSSH(t, cfg)
	cfg.KnownHostsFile = ""
	cfg.HostKey = string(ssh.MarshalAuthorizedKey(srv.RSAHostPublicKey))
	dialSSH(t, cfg)
}

func TestSSH_pinnedHostKey(t *testing.T) {
	srv := sshd.Start(t)
	cfg := sshConfig(srv)
	cfg.KnownHostsFile = "/nonexistent/known_hosts"
	cfg.HostKey = srv.HostKey
	dialSSH(t, cfg)

	other, _ := sshd.NewKey(t)
	cfg.HostKey = string(ssh.MarshalAuthorizedKey(other))
	_, err := host.DialSSH(context.Background(), cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "host key of "+srv.Addr+" is ssh-ed25519 "+ssh.FingerprintSHA256(srv.HostPublicKey))
	assert.Contains(t, err.Error(), "not the pinned host_key ssh-ed25519 "+ssh.FingerprintSHA256(other))

	cfg.HostKey = "not a key"
	_, err = host.DialSSH(context.Background(), cfg)
	assert.ErrorContains(t, err, "host_key is not a public key")
}

func TestSSH_wrongPrivateKey(t *testing.T) {
	srv := sshd.Start(t)
	other, otherPEM := sshd.NewKey(t)
	cfg := sshConfig(srv)
	cfg.PrivateKeyFile = ""
	cfg.PrivateKey = string(otherPEM)
	_, err := host.DialSSH(context.Background(), cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "authenticate as root on "+srv.Addr)
	assert.Contains(t, err.Error(), "private_key (ssh-ed25519 "+ssh.FingerprintSHA256(other)+")")
	assertNoKeyMaterial(t, err, string(otherPEM))
}

func TestSSH_keySources(t *testing.T) {
	srv := sshd.Start(t)
	ctx := context.Background()
	cfg := sshConfig(srv)
	cfg.PrivateKeyFile = ""
	cfg.PrivateKey = srv.PrivateKeyPEM
	dialSSH(t, cfg)

	cfg.PrivateKeyFile = srv.PrivateKeyFile
	_, err := host.DialSSH(ctx, cfg)
	assert.ErrorContains(t, err, "not both")

	garbage := "-----BEGIN OPENSSH PRIVATE KEY-----\nc2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0\n-----END OPENSSH PRIVATE KEY-----\n"
	cfg.PrivateKeyFile, cfg.PrivateKey = "", garbage
	_, err = host.DialSSH(ctx, cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "private_key is not a usable private key")
	assertNoKeyMaterial(t, err, garbage)

	cfg.PrivateKey, cfg.PrivateKeyFile = "", filepath.Join(t.TempDir(), "missing")
	_, err = host.DialSSH(ctx, cfg)
	assert.ErrorContains(t, err, "private_key_file")

	// ssh-agent, when no key is configured.
	raw, err := ssh.ParseRawPrivateKey([]byte(srv.PrivateKeyPEM))
	require.NoError(t, err)
	keyring := agent.NewKeyring()
	require.NoError(t, keyring.Add(agent.AddedKey{PrivateKey: raw}))
	sock := filepath.Join(t.TempDir(), "agent.sock")
	l, err := net.Listen("unix", sock)
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				_ = agent.ServeAgent(keyring, c)
				_ = c.Close()
			}()
		}
	}()
	cfg.PrivateKeyFile = ""
	t.Setenv("SSH_AUTH_SOCK", sock)
	h := dialSSH(t, cfg)
	res, err := h.Run(ctx, host.Command{Argv: []string{"echo", "agent"}})
	require.NoError(t, err)
	assert.Equal(t, "agent\n", string(res.Stdout))

	t.Setenv("SSH_AUTH_SOCK", "")
	_, err = host.DialSSH(ctx, cfg)
	assert.ErrorContains(t, err, "no key")
}

func assertNoKeyMaterial(t *testing.T, err error, pem string) {
	t.Helper()
	for _, line := range strings.Split(pem, "\n") {
		if len(line) > 8 && !strings.HasPrefix(line, "-----") {
			assert.NotContains(t, err.Error(), line[:8], "the error repeats key material")
		}
	}
}

func TestSSH_refusedPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := portOf(t, l)
	require.NoError(t, l.Close())
	_, err = host.DialSSH(context.Background(), host.SSHConfig{
		Address: "127.0.0.1", Port: port, PrivateKey: string(mustKey(t)), HostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "connection refused")
	assert.Contains(t, err.Error(), fmt.Sprintf("127.0.0.1:%d", port))
	assert.NotErrorIs(t, err, fs.ErrNotExist)
}

func mustKey(t *testing.T) []byte {
	_, pem := sshd.NewKey(t)
	return pem
}

// silentListener accepts TCP connections and never says a word, like a
// host whose sshd hangs or a port that something else holds.
func silentListener(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return portOf(t, l)
}

func portOf(t *testing.T, l net.Listener) int {
	t.Helper()
	addr, ok := l.Addr().(*net.TCPAddr)
	require.True(t, ok, "a TCP listener")
	return addr.Port
}

func TestSSH_connectTimeout(t *testing.T) {
	port := silentListener(t)
	cfg := host.SSHConfig{Address: "127.0.0.1", Port: port, PrivateKey: string(mustKey(t)),
		HostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl", ConnectTimeout: 300 * time.Millisecond}
	start := time.Now()
	_, err := host.DialSSH(context.Background(), cfg)
	elapsed := time.Since(start)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "within 300ms (connect_timeout)")
	assert.GreaterOrEqual(t, elapsed, 250*time.Millisecond)
	assert.Less(t, elapsed, 5*time.Second, "connect_timeout is honoured")
	assert.NotErrorIs(t, err, fs.ErrNotExist)

	// The caller's context ends a connect that the timeout would allow.
	cfg.ConnectTimeout = time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = host.DialSSH(ctx, cfg)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 5*time.Second)
}

// TestSSH_reusesOneConnection counts the TCP connections a proxy accepts
// and the logins sshd logs over 50 mixed operations: one of each.
func TestSSH_reusesOneConnection(t *testing.T) {
	srv := sshd.Start(t)
	proxy := sshd.NewProxy(t, srv.Addr)
	ctx := context.Background()
	logins := srv.Logins()
	h := dialSSH(t, viaProxy(srv, proxy))
	dir := t.TempDir()
	for i := range 10 {
		p := fmt.Sprintf("%s/f%d", dir, i)
		require.NoError(t, h.WriteFile(ctx, p, []byte("x"), host.Attrs{Perm: 0o644, UID: host.KeepID, GID: host.KeepID}))
		_, err := h.Stat(ctx, p)
		require.NoError(t, err)
		_, err = h.ReadFile(ctx, p)
		require.NoError(t, err)
		_, err = h.ReadDir(ctx, dir)
		require.NoError(t, err)
		_, err = h.Run(ctx, host.Command{Argv: []string{"true"}})
		require.NoError(t, err)
	}
	assert.Equal(t, 1, proxy.Accepted(), "TCP connections for 50 operations")
	assert.Equal(t, 1, srv.Logins()-logins, "sshd logins for 50 operations")
	t.Logf("50 operations: %d TCP connection(s), %d login(s)", proxy.Accepted(), srv.Logins()-logins)
}

// TestSSH_boundsConcurrentSessions runs more commands at once than sshd's
// MaxSessions (10) allows on one connection, with file operations between.
func TestSSH_boundsConcurrentSessions(t *testing.T) {
	srv := sshd.Start(t)
	h := dialSSH(t, sshConfig(srv))
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 80)
	start := time.Now()
	for range 40 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := h.Run(ctx, host.Command{Argv: []string{"sleep", "0.2"}})
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, err := h.ReadFile(ctx, srv.KnownHostsFile)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	// sshd may still refuse an open while a closed session's slot is
	// being freed ("no more sessions"); Run waits and opens again.
	t.Logf("40 x sleep 0.2 in %v (8 sessions at a time: >= 1s); sshd refused %d opens",
		time.Since(start).Round(time.Millisecond), strings.Count(srv.Log(), "no more sessions"))
}

func TestSSH_reconnectsAfterTheLinkIsCut(t *testing.T) {
	srv := sshd.Start(t)
	proxy := sshd.NewProxy(t, srv.Addr)
	ctx := context.Background()
	h := dialSSH(t, viaProxy(srv, proxy))
	file := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(file, []byte("content"), 0o644))

	for i := range 5 {
		proxy.Cut()
		if i%2 == 1 {
			time.Sleep(50 * time.Millisecond) // let the client notice first
		}
		b, err := h.ReadFile(ctx, file)
		require.NoError(t, err, "after cut %d", i+1)
		assert.Equal(t, "content", string(b))
	}
	assert.Equal(t, 6, proxy.Accepted(), "one new connection per cut")

	proxy.Cut()
	res, err := h.Run(ctx, host.Command{Argv: []string{"echo", "again"}})
	require.NoError(t, err, "a command that never started is run on a new connection")
	assert.Equal(t, "again\n", string(res.Stdout))
}

func TestSSH_reconnectsAfterTheLinkDiesSilently(t *testing.T) {
	srv := sshd.Start(t)
	proxy := sshd.NewProxy(t, srv.Addr)
	cfg := viaProxy(srv, proxy)
	cfg.KeepaliveInterval = 200 * time.Millisecond // a dead link noticed in test time
	h := dialSSH(t, cfg)
	ctx := context.Background()
	_, err := h.Stat(ctx, srv.Dir)
	require.NoError(t, err)

	proxy.Freeze()
	start := time.Now()
	_, err = h.Stat(ctx, srv.Dir)
	require.NoError(t, err, "the keepalive notices the dead link; the stat runs again on a new one")
	t.Logf("dead link replaced after %v", time.Since(start).Round(time.Millisecond))
	assert.GreaterOrEqual(t, proxy.Accepted(), 2, "a new connection")
}

func TestSSH_runIsNotRepeatedWhenTheLinkBreaks(t *testing.T) {
	srv := sshd.Start(t)
	proxy := sshd.NewProxy(t, srv.Addr)
	h := dialSSH(t, viaProxy(srv, proxy))
	marker := filepath.Join(t.TempDir(), "runs")
	done := make(chan error, 1)
	go func() {
		_, err := h.Run(context.Background(), host.Command{Argv: []string{"sh", "-c", `echo ran >> "$1"; sleep 5`, "sh", marker}})
		done <- err
	}()
	require.Eventually(t, func() bool { _, err := os.Stat(marker); return err == nil }, 5*time.Second, 10*time.Millisecond)
	proxy.Cut()
	err := <-done
	require.Error(t, err)
	var exitErr *host.ExitError
	assert.False(t, errors.As(err, &exitErr), "a lost link is not an exit status: %v", err)
	assert.NotErrorIs(t, err, fs.ErrNotExist)
	assert.Contains(t, err.Error(), "run sh on "+h.Name())
	assert.Contains(t, err.Error(), "connection failed")
	time.Sleep(200 * time.Millisecond)
	b, _ := os.ReadFile(marker)
	assert.Equal(t, "ran\n", string(b), "the command ran once")
}

// TestSSH_transportFailureIsNotAbsence: with the host unreachable, every
// operation fails, and none says "does not exist".
func TestSSH_transportFailureIsNotAbsence(t *testing.T) {
	srv := sshd.Start(t)
	proxy := sshd.NewProxy(t, srv.Addr)
	h := dialSSH(t, viaProxy(srv, proxy))
	ctx := context.Background()
	proxy.Refuse(true)
	proxy.Cut()

	_, err := h.Stat(ctx, "/nope")
	checkTransport(t, err)
	_, err = h.ReadFile(ctx, "/nope")
	checkTransport(t, err)
	_, err = h.ReadDir(ctx, "/nope")
	checkTransport(t, err)
	checkTransport(t, h.Remove(ctx, "/nope"))
	checkTransport(t, h.RemoveAll(ctx, "/nope"))
	checkTransport(t, h.WriteFile(ctx, "/tmp/nope", nil, host.Attrs{UID: host.KeepID, GID: host.KeepID}))
	_, err = h.Run(ctx, host.Command{Argv: []string{"true"}})
	checkTransport(t, err)

	proxy.Refuse(false)
	_, err = h.Stat(ctx, "/nope")
	assert.ErrorIs(t, err, fs.ErrNotExist, "back to normal once the host is reachable")
}

func checkTransport(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	assert.NotErrorIs(t, err, fs.ErrNotExist)
	assert.Contains(t, err.Error(), "connection failed")
}

func TestSSH_closed(t *testing.T) {
	srv := sshd.Start(t)
	h := dialSSH(t, sshConfig(srv))
	require.NoError(t, h.Close())
	_, err := h.Stat(context.Background(), "/nope")
	require.Error(t, err)
	assert.NotErrorIs(t, err, fs.ErrNotExist)
	assert.Contains(t, err.Error(), "closed")
}

// TestSSH_hostileArgvReachTheRemoteShellQuoted sends each hostile string
// through the remote user's shell and back, and checks that none of them
// ran anything.
func TestSSH_hostileArgvReachTheRemoteShellQuoted(t *testing.T) {
	srv := sshd.Start(t)
	h := dialSSH(t, sshConfig(srv))
	ctx := context.Background()
	pwned := filepath.Join(t.TempDir(), "pwned")
	hostile := append([]string{
		"$(touch " + pwned + ")", "`touch " + pwned + "`", "; touch " + pwned, "' ; touch " + pwned + " ; '",
		"\"; touch " + pwned + "; \"", "\ntouch " + pwned + "\n", "$(touch${IFS}" + pwned + ")",
	}, hosttest.Hostile...)

	res, err := h.Run(ctx, host.Command{Argv: append([]string{"printf", "%s\\n"}, hostile...)})
	require.NoError(t, err)
	assert.Equal(t, strings.Join(hostile, "\n")+"\n", string(res.Stdout))
	for _, s := range hostile {
		res, err := h.Run(ctx, host.Command{Argv: []string{"printf", "%s", s}})
		require.NoError(t, err)
		assert.Equal(t, s, string(res.Stdout))
	}
	_, err = os.Stat(pwned)
	assert.ErrorIs(t, err, fs.ErrNotExist, "a hostile argument ran a command")

	// The program name is quoted too.
	_, err = h.Run(ctx, host.Command{Argv: []string{"true; touch " + pwned}})
	assert.Error(t, err)
	_, err = os.Stat(pwned)
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

// fakeSudo writes a stand-in for "sudo -n --" that logs its arguments
// and, while needsPassword exists, refuses as sudo -n does.
func fakeSudo(t *testing.T) (prefix []string, log, needsPassword string) {
	dir := t.TempDir()
	log, needsPassword = filepath.Join(dir, "log"), filepath.Join(dir, "needs-password")
	script := `#!/bin/sh
[ "$1" = -n ] && [ "$2" = -- ] || { echo "fake sudo: usage" >&2; exit 2; }
shift 2
printf '%s\n' "$*" >> ` + shellWord(log) + `
if [ -e ` + shellWord(needsPassword) + ` ]; then echo "sudo: a password is required" >&2; exit 1; fi
exec "$@"
`
	sudo := filepath.Join(dir, "sudo")
	require.NoError(t, os.WriteFile(sudo, []byte(script), 0o755))
	return []string{sudo, "-n", "--"}, log, needsPassword
}

func shellWord(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// TestSSH_throughFakeSudo runs the conformance suite with commands and the
// SFTP server started through a stand-in sudo: the sudo code paths (SFTP
// over an exec'd sftp-server, the command prefix, killing a cancelled
// command as root, the password error) without a second user.
func TestSSH_throughFakeSudo(t *testing.T) {
	srv := sshd.Start(t)
	prefix, log, needsPassword := fakeSudo(t)
	hosttest.Run(t, func(t *testing.T) (host.Host, string) {
		root := t.TempDir()
		cfg := sshConfig(srv)
		cfg.Root = root
		h, err := host.DialSSHWithSudo(context.Background(), cfg, prefix)
		require.NoError(t, err)
		t.Cleanup(func() { _ = h.Close() })
		return h, root
	})
	b, err := os.ReadFile(log)
	require.NoError(t, err)
	assert.Contains(t, string(b), "/bin/sh -c umask 077; for p in /usr/lib/openssh/sftp-server", "SFTP through sudo")
	assert.Contains(t, string(b), "\nprintf %s\\n $(id)", "commands through sudo")
	assert.Contains(t, string(b), "\nkill -KILL -- -", "a cancelled command killed through sudo")

	ctx := context.Background()
	h, err := host.DialSSHWithSudo(ctx, sshConfig(srv), prefix)
	require.NoError(t, err)
	defer func() { _ = h.Close() }()
	require.NoError(t, os.WriteFile(needsPassword, nil, 0o644))
	_, err = h.Run(ctx, host.Command{Argv: []string{"true"}})
	assert.EqualError(t, err, "sudo on root@"+srv.Addr+" needs a password; configure NOPASSWD for root or connect as root")
	_, err = host.DialSSHWithSudo(ctx, sshConfig(srv), prefix)
	assert.EqualError(t, err, "sudo on root@"+srv.Addr+" needs a password; configure NOPASSWD for root or connect as root")
}

// TestSSH_sudo needs a host with a non-root user, which this machine must
// not get: set SPICE_TEST_SUDO_HOST (host:port) with SPICE_TEST_SUDO_USER
// (passwordless sudo), SPICE_TEST_SUDO_KEY_FILE and
// SPICE_TEST_SUDO_KNOWN_HOSTS; SPICE_TEST_SUDO_PASSWORD_USER optionally
// names a user (same key) whose sudo needs a password.
func TestSSH_sudo(t *testing.T) {
	addr := os.Getenv("SPICE_TEST_SUDO_HOST")
	if addr == "" {
		t.Skip("set SPICE_TEST_SUDO_HOST, SPICE_TEST_SUDO_USER, SPICE_TEST_SUDO_KEY_FILE and SPICE_TEST_SUDO_KNOWN_HOSTS to test sudo against a test host")
	}
	hostname, portText, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	port, err := strconv.Atoi(portText)
	require.NoError(t, err)
	cfg := host.SSHConfig{
		Address:        hostname,
		Port:           port,
		User:           os.Getenv("SPICE_TEST_SUDO_USER"),
		PrivateKeyFile: os.Getenv("SPICE_TEST_SUDO_KEY_FILE"),
		KnownHostsFile: os.Getenv("SPICE_TEST_SUDO_KNOWN_HOSTS"),
		Sudo:           true,
	}
	require.NotEmpty(t, cfg.User)
	require.NotEqual(t, "root", cfg.User)
	ctx := context.Background()
	h := dialSSH(t, cfg)

	res, err := h.Run(ctx, host.Command{Argv: []string{"id", "-u"}})
	require.NoError(t, err)
	assert.Equal(t, "0\n", string(res.Stdout), "commands run as root")
	res, err = h.Run(ctx, host.Command{Argv: append([]string{"printf", "%s\\n"}, hosttest.Hostile...)})
	require.NoError(t, err)
	assert.Equal(t, strings.Join(hosttest.Hostile, "\n")+"\n", string(res.Stdout), "sudo passes argv unchanged")

	dir := fmt.Sprintf("/root/.spice-sudo-test-%d", time.Now().UnixNano())
	t.Cleanup(func() { _ = h.RemoveAll(context.Background(), dir) })
	require.NoError(t, h.WriteFile(ctx, dir+"/f", []byte("root only"), host.Attrs{Perm: 0o4750, UID: 0, GID: 0}))
	info, err := h.Stat(ctx, dir+"/f")
	require.NoError(t, err)
	assert.Equal(t, []int{0, 0}, []int{info.UID, info.GID})
	assert.Equal(t, host.Perm(0o4750), info.Perm)
	b, err := h.ReadFile(ctx, dir+"/f")
	require.NoError(t, err)
	assert.Equal(t, "root only", string(b))
	require.NoError(t, h.RemoveAll(ctx, dir))

	if user := os.Getenv("SPICE_TEST_SUDO_PASSWORD_USER"); user != "" {
		cfg.User = user
		_, err := host.DialSSH(ctx, cfg)
		assert.ErrorContains(t, err, "needs a password; configure NOPASSWD for "+user+" or connect as root")
	}
}

// Writes on one connection run in parallel (an apply's resources): the
// first write into a directory sweeps it for stale temporary files, and
// no sweep may remove the temporary file of a write running beside it
// (its rename then fails: "file does not exist"). The ancestors are swept
// first, by a write beside the directory, as an apply's earlier resources
// do.
func TestSSH_parallelWritesIntoOneDirectory(t *testing.T) {
	srv := sshd.Start(t)
	root := t.TempDir()
	cfg := sshConfig(srv)
	cfg.Root = root
	h := dialSSH(t, cfg)
	attrs := host.Attrs{Perm: 0o644, UID: host.KeepID, GID: host.KeepID}
	require.NoError(t, h.WriteFile(context.Background(), "/before", []byte("x\n"), attrs))
	require.NoError(t, os.Mkdir(filepath.Join(root, "config"), 0o755))

	var wg sync.WaitGroup
	errs := make([]error, 32)
	for i := range errs {
		wg.Go(func() {
			errs[i] = h.WriteFile(context.Background(), fmt.Sprintf("/config/%02d.yml", i), []byte("x\n"), attrs)
		})
	}
	wg.Wait()
	for i, err := range errs {
		assert.NoError(t, err, "write %02d.yml", i)
	}
}

// TestSSH_sweepsStaleTemporaryEntries: see hosttest.SweepsStaleTemporaryEntries;
// a temporary file of this connection (a write under way) is kept too.
func TestSSH_sweepsStaleTemporaryEntries(t *testing.T) {
	srv := sshd.Start(t)
	root := t.TempDir()
	cfg := sshConfig(srv)
	cfg.Root = root
	h := dialSSH(t, cfg)
	own, err := h.TempNameOfThisConnection(context.Background(), "03.yml")
	require.NoError(t, err)
	hosttest.SweepsStaleTemporaryEntries(t, h, root, own)
}
