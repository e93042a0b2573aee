package backup_test

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/backup"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sshd"
)

// BenchmarkRunWithOffsite measures a run that pushes its backup to a real
// sshd on loopback (MB/s of source data): the local backup, the upload,
// the read-back of every byte for verification and the rename. Against
// BenchmarkRun/command-100MB/none it shows what the push adds, which is
// the transfer time that joins achievable_rpo for a data-center failure.
func BenchmarkRunWithOffsite(b *testing.B) {
	srv := sshd.Start(b)
	dir := b.TempDir()
	const size = 100 << 20
	data := make([]byte, size)
	_, _ = rand.Read(data)
	stream := filepath.Join(dir, "stream.bin")
	if err := os.WriteFile(stream, data, 0o600); err != nil {
		b.Fatal(err)
	}
	p := &backup.Policy{
		Name: "bench", Destination: filepath.Join(dir, "backups"), Compression: backup.CompressionNone,
		Sources: []backup.Source{{Name: "stream", Command: []string{"cat", stream}}},
		Offsite: []backup.Offsite{{Name: "dc2", Host: srv.Host, Port: srv.Port, User: srv.User,
			PrivateKeyFile: srv.PrivateKeyFile, HostKey: srv.HostKey, Path: filepath.Join(dir, "far")}},
	}
	b.SetBytes(size)
	for b.Loop() {
		res, err := backup.Run(context.Background(), p, backup.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		for _, d := range []string{filepath.Join(p.Destination, res.ID), filepath.Join(dir, "far", res.ID)} {
			if err := os.RemoveAll(d); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
	}
}
