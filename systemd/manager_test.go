package systemd_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/systemd"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// containerHost boots a systemd container and connects to it over SSH.
func containerHost(tb testing.TB) (host.Host, *testhosts.Host) {
	th := testhosts.Start(tb, 1)[0]
	h, err := host.DialSSH(context.Background(), host.SSHConfig{
		Address: th.Address, Port: th.Port, User: th.User,
		PrivateKeyFile: th.PrivateKeyFile, KnownHostsFile: th.KnownHostsFile,
		ConnectTimeout: 5 * time.Second,
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = h.Close() })
	return h, th
}

// reloadCounter is a real host that counts the daemon-reloads run on it.
type reloadCounter struct {
	host.Host
	reloads atomic.Int32
}

func (c *reloadCounter) Run(ctx context.Context, cmd host.Command) (host.Result, error) {
	if len(cmd.Argv) == 2 && cmd.Argv[0] == "systemctl" && cmd.Argv[1] == "daemon-reload" {
		c.reloads.Add(1)
	}
	return c.Host.Run(ctx, cmd)
}

// Units written together share one daemon-reload however many writers
// ask for it; nothing written, nothing reloaded; a later change gets its
// own reload; systemd sees every unit afterwards.
func TestReloadCoalesced(t *testing.T) {
	ssh, _ := containerHost(t)
	h := &reloadCounter{Host: ssh}
	ctx := context.Background()
	const writers = 6
	units := make([]string, writers)
	var written, reloaded sync.WaitGroup
	errs := make(chan error, 2*writers)
	written.Add(writers)
	for i := range writers {
		units[i] = fmt.Sprintf("spice-coalesce-%d.service", i)
		reloaded.Go(func() {
			content := fmt.Sprintf("[Service]\nExecStart=/bin/sleep %d\n", 1000+i)
			if _, err := systemd.WriteUnit(ctx, h, units[i], []byte(content)); err != nil {
				errs <- err
			}
			written.Done()
			written.Wait() // every file is in place before anyone reloads
			if err := systemd.Reload(ctx, h); err != nil {
				errs <- err
			}
		})
	}
	reloaded.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := h.reloads.Load(); n != 1 {
		t.Fatalf("%d writers ran %d daemon-reloads, want 1", writers, n)
	}
	for _, u := range units {
		s, err := systemd.Show(ctx, h, u)
		if err != nil {
			t.Fatal(err)
		}
		if s.LoadState != "loaded" || s.NeedDaemonReload || s.FragmentPath != systemd.UnitPath(u) {
			t.Errorf("%s after the shared reload: %+v", u, s)
		}
	}

	steps := []struct {
		name        string
		change      func() error
		wantReloads int32
	}{
		{"nothing written", func() error { return nil }, 1},
		{"same content again", func() error {
			_, err := systemd.WriteUnit(ctx, h, units[0], []byte("[Service]\nExecStart=/bin/sleep 1000\n"))
			return err
		}, 1},
		{"one unit changed", func() error {
			_, err := systemd.WriteUnit(ctx, h, units[0], []byte("[Service]\nExecStart=/bin/sleep 2000\n"))
			return err
		}, 2},
		{"one unit removed", func() error { return systemd.RemoveUnit(ctx, h, units[1]) }, 3},
		{"a removed unit removed again", func() error { return systemd.RemoveUnit(ctx, h, units[1]) }, 3},
	}
	for _, step := range steps {
		if err := step.change(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if err := systemd.Reload(ctx, h); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if n := h.reloads.Load(); n != step.wantReloads {
			t.Errorf("%s: %d daemon-reloads in all, want %d", step.name, n, step.wantReloads)
		}
	}
	if s, err := systemd.Show(ctx, h, units[1]); err != nil || s.LoadState != "not-found" {
		t.Errorf("removed %s: %+v, %v", units[1], s, err)
	}
}

// The verbs against a real systemd: enable, start, status, restart (new
// main process), stop, disable; and image mode refusing to start.
func TestVerbs(t *testing.T) {
	h, th := containerHost(t)
	ctx := context.Background()
	unit := "spice-verbs.service"
	var u systemd.Unit
	u.Add("Unit", "Description", systemd.Escape("verbs 100%"))
	u.Add("Service", "ExecStart", "/bin/sleep infinity")
	u.Add("Install", "WantedBy", "multi-user.target")
	content, err := u.Render()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := systemd.WriteUnit(ctx, h, unit, content); err != nil {
		t.Fatal(err)
	}
	if err := systemd.Reload(ctx, h); err != nil {
		t.Fatal(err)
	}
	show := func() systemd.Status {
		t.Helper()
		s, err := systemd.Show(ctx, h, unit)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, step := range []struct {
		verb          func(context.Context, host.Host, string) error
		name          string
		wantActive    string
		wantFileState string
	}{
		{systemd.Enable, "enable", "inactive", "enabled"},
		{systemd.Start, "start", "active", "enabled"},
		{systemd.Restart, "restart", "active", "enabled"},
		{systemd.Stop, "stop", "inactive", "enabled"},
		{systemd.Disable, "disable", "inactive", "disabled"},
	} {
		before := show()
		if err := step.verb(ctx, h, unit); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if err := systemd.Reload(ctx, h); err != nil { // after enable and disable, as documented
			t.Fatal(err)
		}
		after := show()
		if after.ActiveState != step.wantActive || after.UnitFileState != step.wantFileState {
			t.Errorf("after %s: %+v", step.name, after)
		}
		if step.name == "restart" && (after.MainPID == before.MainPID || after.MainPID == 0) {
			t.Errorf("restart kept MainPID %d", before.MainPID)
		}
	}
	if got := strings.TrimSpace(th.Exec(t, "systemctl", "show", "-p", "Description", "--value", unit)); got != "verbs 100%" {
		t.Errorf("Description read back as %q", got)
	}

	image, err := host.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := systemd.Start(ctx, image, unit); err == nil || !strings.Contains(err.Error(), "image mode") {
		t.Errorf("Start in image mode: %v", err)
	}
}
