package host

import (
	"crypto/ed25519"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// fuzzHostKey is the key the fuzzed host offers; otherKey is another one.
func fuzzHostKeys(tb testing.TB) (offered, other ssh.PublicKey) {
	keys := make([]ssh.PublicKey, 2)
	for i := range keys {
		seed := make([]byte, ed25519.SeedSize)
		seed[0] = byte(i + 1)
		k, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(seed).Public())
		if err != nil {
			tb.Fatal(err)
		}
		keys[i] = k
	}
	return keys[0], keys[1]
}

// FuzzKnownHosts: whatever known_hosts_file holds, building the host key
// check does not panic; it refuses the file with an error, or checks the
// offered key. A key reported unknown comes with the line to add to the
// file, and once that line is added the same key is accepted (unless the
// file revokes it). A pinned host_key is refused or compared, never
// panicked on.
func FuzzKnownHosts(f *testing.F) {
	offered, other := fuzzHostKeys(f)
	const addr = "127.0.0.1:2222"
	known := func(key ssh.PublicKey, hosts ...string) string { return knownhosts.Line(hosts, key) }
	hashed := knownhosts.HashHostname(knownhosts.Normalize(addr))
	for _, s := range []string{
		known(offered, "[127.0.0.1]:2222"),
		known(other, "[127.0.0.1]:2222"),
		known(offered, hashed),
		known(offered, "[127.0.0.1]:22", "localhost") + "\n# comment\n\n",
		"@revoked " + known(offered, "*"),
		"@cert-authority " + known(other, "*.example.com"),
		known(offered, "*", "!127.0.0.1") + "\n" + known(other, "[127.0.0.1]:2222"),
		"[127.0.0.1]:2222 ssh-ed25519 AAAA-not-base64",
		"[127.0.0.1]:2222 ssh-ed25519",
		"|1|bad|hash " + strings.TrimPrefix(known(offered, "x"), "x "),
		"@unknown-marker " + known(offered, "*"),
		"", "\n\n", "\x00\xff",
	} {
		f.Add(s, string(ssh.MarshalAuthorizedKey(offered)))
	}
	f.Add("", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl comment")
	f.Add("", "not a key")
	remote := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 2222}
	f.Fuzz(func(t *testing.T, content, pinned string) {
		file := filepath.Join(t.TempDir(), "known_hosts")
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if check, _, err := newHostKeyCheck(SSHConfig{HostKey: pinned}, addr); err == nil {
			_ = check(addr, remote, offered)
		}
		check, algorithms, err := newHostKeyCheck(SSHConfig{KnownHostsFile: file}, addr)
		if err != nil {
			var he *hostError
			if !errors.As(err, &he) {
				t.Fatalf("not a host error: %v", err)
			}
			return
		}
		err = check(addr, remote, offered)
		if err == nil {
			if len(algorithms) > 0 && !slices.Contains(algorithms, offered.Type()) {
				t.Fatalf("the key is known, yet its algorithm is not asked for: %q", algorithms)
			}
			return
		}
		if !strings.Contains(err.Error(), " is unknown: ") {
			return
		}
		line := err.Error()[strings.LastIndex(err.Error(), "\n")+1:]
		if err := os.WriteFile(file, []byte(content+"\n"+line+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		check, algorithms, err = newHostKeyCheck(SSHConfig{KnownHostsFile: file}, addr)
		if err != nil {
			t.Fatalf("the line the error told to add, %q, breaks the file: %v", line, err)
		}
		if err := check(addr, remote, offered); err != nil {
			t.Fatalf("with %q added, the key is still refused: %v", line, err)
		}
		if !slices.Contains(algorithms, offered.Type()) {
			t.Fatalf("with %q added, the algorithms asked for are %q", line, algorithms)
		}
	})
}
