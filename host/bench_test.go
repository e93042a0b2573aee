package host_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// BenchmarkWriteFile measures one atomic write (temp file, fchown, fchmod,
// write, fsync, rename, directory fsync), the cost floor of every managed
// file change.
func BenchmarkWriteFile(b *testing.B) {
	ctx := context.Background()
	l, err := host.NewLocal(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range []int{4 << 10, 1 << 20} {
		content := make([]byte, size)
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			b.SetBytes(int64(size))
			for b.Loop() {
				if err := l.WriteFile(ctx, "/etc/app.conf", content, host.Attrs{Perm: 0o644, UID: host.KeepID, GID: host.KeepID}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStatAndRead is what a refresh of one file costs.
func BenchmarkStatAndRead(b *testing.B) {
	ctx := context.Background()
	l, err := host.NewLocal(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	if err := l.WriteFile(ctx, "/etc/app.conf", make([]byte, 4<<10), host.Attrs{Perm: 0o644, UID: host.KeepID, GID: host.KeepID}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := l.Stat(ctx, "/etc/app.conf"); err != nil {
			b.Fatal(err)
		}
		if _, err := l.ReadFile(ctx, "/etc/app.conf"); err != nil {
			b.Fatal(err)
		}
	}
}
