package host

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/crypto/ssh/knownhosts"
)

// sshAuth holds the configured key, or finds the agent on every connect.
type sshAuth struct {
	signer ssh.Signer
	source string // for messages: which setting the key came from
}

func newSSHAuth(cfg SSHConfig) (*sshAuth, error) {
	switch {
	case cfg.PrivateKey != "" && cfg.PrivateKeyFile != "":
		return nil, errors.New("ssh: set private_key or private_key_file, not both")
	case cfg.PrivateKey != "":
		return parseKey([]byte(cfg.PrivateKey), "private_key")
	case cfg.PrivateKeyFile != "":
		file, err := expandHome(cfg.PrivateKeyFile)
		if err != nil {
			return nil, err
		}
		pem, err := os.ReadFile(file)
		if err != nil {
			return nil, &hostError{msg: fmt.Sprintf("ssh: private_key_file: %v", err)}
		}
		return parseKey(pem, "private_key_file "+file)
	}
	if os.Getenv("SSH_AUTH_SOCK") == "" {
		return nil, errors.New("ssh: no key: set private_key or private_key_file, or run ssh-agent (SSH_AUTH_SOCK)")
	}
	return &sshAuth{source: "ssh-agent"}, nil
}

// parseKey never puts the key's bytes in an error.
func parseKey(pem []byte, source string) (*sshAuth, error) {
	signer, err := ssh.ParsePrivateKey(pem)
	var missing *ssh.PassphraseMissingError
	switch {
	case errors.As(err, &missing):
		return nil, fmt.Errorf("ssh: %s is protected by a passphrase; load it into ssh-agent instead", source)
	case err != nil:
		return nil, &hostError{msg: fmt.Sprintf("ssh: %s is not a usable private key: %v", source, err)}
	}
	return &sshAuth{signer: signer, source: source}, nil
}

// methods returns the auth methods for one connect and a function that
// releases the agent connection after the handshake.
func (a *sshAuth) methods() ([]ssh.AuthMethod, func(), error) {
	if a.signer != nil {
		return []ssh.AuthMethod{ssh.PublicKeys(a.signer)}, func() {}, nil
	}
	sock := os.Getenv("SSH_AUTH_SOCK")
	conn, err := net.Dial("unix", sock)
	if err != nil {
		return nil, nil, &hostError{msg: fmt.Sprintf("ssh-agent at SSH_AUTH_SOCK %s: %v", sock, err)}
	}
	return []ssh.AuthMethod{ssh.PublicKeysCallback(agent.NewClient(conn).Signers)}, func() { _ = conn.Close() }, nil
}

func (a *sshAuth) describe() string {
	if a.signer == nil {
		return a.source
	}
	return fmt.Sprintf("%s (%s)", a.source, describeKey(a.signer.PublicKey()))
}

func describeKey(key ssh.PublicKey) string {
	return key.Type() + " " + ssh.FingerprintSHA256(key)
}

func expandHome(p string) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", &hostError{msg: fmt.Sprintf("ssh: expand %s: %v", p, err)}
	}
	return filepath.Join(home, p[1:]), nil
}

// newHostKeyCheck builds the host key verification: the pinned key, or
// known_hosts (hashed entries included). It also returns the key
// algorithms to ask for: only those known for the host, so that a host
// known by its RSA key is not asked for its ed25519 key and reported as
// changed.
func newHostKeyCheck(cfg SSHConfig, addr string) (ssh.HostKeyCallback, []string, error) {
	if cfg.HostKey != "" {
		pinned, _, _, _, err := ssh.ParseAuthorizedKey([]byte(cfg.HostKey))
		if err != nil {
			return nil, nil, &hostError{msg: fmt.Sprintf("ssh: host_key is not a public key like \"ssh-ed25519 AAAA...\": %v", err)}
		}
		check := func(_ string, _ net.Addr, key ssh.PublicKey) error {
			if bytes.Equal(key.Marshal(), pinned.Marshal()) {
				return nil
			}
			return &hostError{msg: fmt.Sprintf("host key of %s is %s, not the pinned host_key %s: the host was reinstalled, or this is not the host you meant",
				addr, describeKey(key), describeKey(pinned))}
		}
		return check, algorithmsFor(pinned.Type()), nil
	}

	file := cfg.KnownHostsFile
	if file == "" {
		file = "~/.ssh/known_hosts"
	}
	file, err := expandHome(file)
	if err != nil {
		return nil, nil, err
	}
	var files []string
	// A missing file knows no hosts: the unknown-key error then says how
	// to add this one.
	switch _, err := os.Stat(file); {
	case err == nil:
		files = append(files, file)
	case !errors.Is(err, fs.ErrNotExist):
		return nil, nil, &hostError{msg: fmt.Sprintf("ssh: known_hosts_file: %v", err)}
	}
	if cfg.KnownHostsFile == "" {
		if _, err := os.Stat("/etc/ssh/ssh_known_hosts"); err == nil {
			files = append(files, "/etc/ssh/ssh_known_hosts")
		}
	}
	known, err := knownhosts.New(files...)
	if err != nil {
		return nil, nil, &hostError{msg: fmt.Sprintf("ssh: known_hosts_file %s: %v", file, err)}
	}
	check := func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		err := known(hostname, remote, key)
		var keyErr *knownhosts.KeyError
		var revoked *knownhosts.RevokedError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &revoked):
			return &hostError{msg: fmt.Sprintf("host key of %s (%s) is marked @revoked in %s", addr, describeKey(key), revoked.Revoked.Filename)}
		case errors.As(err, &keyErr) && len(keyErr.Want) == 0:
			return &hostError{msg: fmt.Sprintf("host key of %s is unknown: %s is not in %s. Verify the fingerprint on the host "+
				"(ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then add this line to %s, or set host_key:\n%s",
				addr, describeKey(key), file, file, knownhosts.Line([]string{knownhosts.Normalize(addr)}, key))}
		case errors.As(err, &keyErr):
			var known []string
			for _, w := range keyErr.Want {
				known = append(known, fmt.Sprintf("%s (%s:%d)", describeKey(w.Key), w.Filename, w.Line))
			}
			return &hostError{msg: fmt.Sprintf("host key of %s has CHANGED: it offers %s, known_hosts has %s. "+
				"Someone may be intercepting the connection, or the host was reinstalled; only if you know it was, "+
				"remove the old entry (ssh-keygen -R %s -f %s) and connect again",
				addr, describeKey(key), strings.Join(known, ", "), knownhosts.Normalize(addr), file)}
		}
		return &hostError{msg: fmt.Sprintf("verify host key of %s: %v", addr, err)}
	}
	return check, knownAlgorithms(known, addr), nil
}

// knownAlgorithms asks known_hosts which keys it has for addr, by offering
// a key it cannot hold.
func knownAlgorithms(known ssh.HostKeyCallback, addr string) []string {
	probe, err := ssh.NewPublicKey(ed25519.PublicKey(make([]byte, ed25519.PublicKeySize)))
	if err != nil {
		return nil
	}
	var keyErr *knownhosts.KeyError
	if err := known(addr, &net.TCPAddr{IP: net.IPv4zero}, probe); !errors.As(err, &keyErr) {
		return nil
	}
	var algos []string
	for _, w := range keyErr.Want {
		for _, a := range algorithmsFor(w.Key.Type()) {
			if !slices.Contains(algos, a) {
				algos = append(algos, a)
			}
		}
	}
	return algos
}

// algorithmsFor lists the signature algorithms a host key type serves: an
// "ssh-rsa" key signs with SHA-2 in modern servers.
func algorithmsFor(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{keyType}
}
