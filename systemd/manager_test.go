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
	m := systemd.NewManager(h)
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
			if _, err := m.WriteUnit(ctx, units[i], []byte(content)); err != nil {
				errs <- err
			}
			written.Done()
			written.Wait() // every file is in place before anyone reloads
			if err := m.Reload(ctx); err != nil {
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
			_, err := m.WriteUnit(ctx, units[0], []byte("[Service]\nExecStart=/bin/sleep 1000\n"))
			return err
		}, 1},
		{"one unit changed", func() error {
			_, err := m.WriteUnit(ctx, units[0], []byte("[Service]\nExecStart=/bin/sleep 2000\n"))
			return err
		}, 2},
		{"one unit removed", func() error { return m.RemoveUnit(ctx, units[1]) }, 3},
		{"a removed unit removed again", func() error { return m.RemoveUnit(ctx, units[1]) }, 3},
	}
	for _, step := range steps {
		if err := step.change(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if err := m.Reload(ctx); err != nil {
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
	m := systemd.NewManager(h)
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
	if _, err := m.WriteUnit(ctx, unit, content); err != nil {
		t.Fatal(err)
	}
	if err := m.Reload(ctx); err != nil {
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
		verb          func(context.Context, string) error
		name          string
		wantActive    string
		wantFileState string
	}{
		{m.Enable, "enable", "inactive", "enabled"},
		{m.Start, "start", "active", "enabled"},
		{m.Restart, "restart", "active", "enabled"},
		{m.Stop, "stop", "inactive", "enabled"},
		{m.Disable, "disable", "inactive", "disabled"},
	} {
		before := show()
		if err := step.verb(ctx, unit); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if err := m.Reload(ctx); err != nil { // after enable and disable, as documented
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
	if err := systemd.NewManager(image).Start(ctx, unit); err == nil || !strings.Contains(err.Error(), "image mode") {
		t.Errorf("Start in image mode: %v", err)
	}
}

// liveTree is a directory standing in for a live host: unit files land
// below it, and daemon-reloads are counted instead of run.
type liveTree struct {
	*host.Local
	reloads atomic.Int32
}

func (l *liveTree) Root() string { return "/" }

func (l *liveTree) Run(ctx context.Context, cmd host.Command) (host.Result, error) {
	if len(cmd.Argv) == 2 && cmd.Argv[0] == "systemctl" && cmd.Argv[1] == "daemon-reload" {
		l.reloads.Add(1)
		return host.Result{}, nil
	}
	return l.Local.Run(ctx, cmd)
}

// Two managers of one host (two provider configurations) share no reload:
// each reloads for its own changes only.
func TestManagersShareNothing(t *testing.T) {
	local, err := host.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	h := &liveTree{Local: local}
	ctx := context.Background()
	first, second := systemd.NewManager(h), systemd.NewManager(h)
	if _, err := first.WriteUnit(ctx, "spice-a.service", []byte("[Service]\nExecStart=/bin/true\n")); err != nil {
		t.Fatal(err)
	}
	if err := second.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if n := h.reloads.Load(); n != 0 {
		t.Fatalf("a manager that changed nothing ran %d daemon-reloads", n)
	}
	if err := first.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if n := h.reloads.Load(); n != 1 {
		t.Fatalf("the manager that wrote a unit ran %d daemon-reloads, want 1", n)
	}
}
