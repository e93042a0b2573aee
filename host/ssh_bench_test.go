package host_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sshd"
)

// The SSH benchmarks run against a real sshd on 127.0.0.1, so they measure
// protocol round trips and server work, not network latency: multiply the
// round trips by the RTT for a remote host.

func benchSSH(b *testing.B) *host.SSH {
	b.Helper()
	srv := sshd.Start(b)
	h, err := host.DialSSH(context.Background(), host.SSHConfig{
		Address: srv.Host, Port: srv.Port, PrivateKeyFile: srv.PrivateKeyFile, KnownHostsFile: srv.KnownHostsFile,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = h.Close() })
	return h
}

// BenchmarkSSHStatAndRead is what a refresh of one file costs over SSH:
// the counterpart of BenchmarkStatAndRead.
func BenchmarkSSHStatAndRead(b *testing.B) {
	ctx := context.Background()
	h := benchSSH(b)
	file := filepath.Join(b.TempDir(), "app.conf")
	if err := os.WriteFile(file, make([]byte, 4<<10), 0o644); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := h.Stat(ctx, file); err != nil {
			b.Fatal(err)
		}
		if _, err := h.ReadFile(ctx, file); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSSHWriteFile is one atomic write over SFTP.
func BenchmarkSSHWriteFile(b *testing.B) {
	ctx := context.Background()
	h := benchSSH(b)
	file := filepath.Join(b.TempDir(), "app.conf")
	content := make([]byte, 4<<10)
	for b.Loop() {
		if err := h.WriteFile(ctx, file, content, host.Attrs{Perm: 0o644, UID: host.KeepID, GID: host.KeepID}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSSHTrue is the floor of any command: a session running true on
// the open connection.
func BenchmarkSSHTrue(b *testing.B) {
	ctx := context.Background()
	h := benchSSH(b)
	for b.Loop() {
		if _, err := h.Run(ctx, host.Command{Argv: []string{"true"}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSSHConnect is what each operation would cost without the
// reused connection: TCP, key exchange, authentication and SFTP start.
func BenchmarkSSHConnect(b *testing.B) {
	ctx := context.Background()
	srv := sshd.Start(b)
	cfg := host.SSHConfig{Address: srv.Host, Port: srv.Port, PrivateKeyFile: srv.PrivateKeyFile, KnownHostsFile: srv.KnownHostsFile}
	for b.Loop() {
		h, err := host.DialSSH(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		_ = h.Close()
	}
}

// BenchmarkOpenSSHClientTrue is "ssh host true" with the OpenSSH client,
// the yardstick the spec names.
func BenchmarkOpenSSHClientTrue(b *testing.B) {
	if _, err := exec.LookPath("ssh"); err != nil {
		b.Skip("no ssh client")
	}
	srv := sshd.Start(b)
	args := []string{"-F", "/dev/null", "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=" + srv.KnownHostsFile,
		"-i", srv.PrivateKeyFile, "-p", strconv.Itoa(srv.Port), "root@" + srv.Host, "true"}
	for b.Loop() {
		if out, err := exec.Command("ssh", args...).CombinedOutput(); err != nil {
			b.Fatalf("%v: %s", err, out)
		}
	}
}
