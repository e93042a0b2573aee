package pkgmgr

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestMatchesAndChoose(t *testing.T) {
	available := []string{"3.12.1-1", "3.11.4-2", "3.11.2-1"}
	for _, tc := range []struct{ want, installed, chosen string }{
		{"", "1.0", "3.12.1-1"},
		{"3.11.*", "3.11.2-1", "3.11.4-2"},
		{"3.11.2-1", "3.11.2-1", "3.11.2-1"},
		{"3.11", "", ""},
		{"3.1*", "3.12.1-1", "3.12.1-1"},
	} {
		require.Equal(t, tc.installed != "", Matches(tc.want, tc.installed), "Matches(%q, %q)", tc.want, tc.installed)
		require.Equal(t, tc.chosen, Choose(tc.want, available), "Choose(%q)", tc.want)
	}
	require.False(t, Matches("", ""), "nothing installed matches nothing")
}

func TestCheckVersion(t *testing.T) {
	for v, ok := range map[string]bool{"1.0": true, "3.11.*": true, "1:2.39.5-0+deb12u2": true, "*": false, "3.*.1": false, "1 2": false} {
		require.Equal(t, ok, CheckVersion(v) == nil, v)
	}
}

func TestFor(t *testing.T) {
	for _, tc := range []struct{ id, like, want string }{
		{"debian", "", "apt"}, {"ubuntu", "debian", "apt"}, {"linuxmint", "ubuntu debian", "apt"},
		{"rocky", "rhel centos fedora", "dnf"}, {"fedora", "", "dnf"}, {"arch", "", ""},
	} {
		m, err := For(tc.id, tc.like)
		if tc.want == "" {
			require.Error(t, err)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, tc.want, m.Name())
	}
}

func TestAptParse(t *testing.T) {
	installed, err := Apt{}.ParseQuery([]byte("git\t1:2.39.5-0+deb12u2\tinstall\tinstalled\n" +
		"vim\t2:9.0\thold\tinstalled\nold\t1.0\tdeinstall\tconfig-files\nlibc6\t2.36\tinstall\tinstalled\nlibc6\t2.36\tinstall\tinstalled\n"))
	require.NoError(t, err)
	require.Equal(t, map[string]Installed{
		"git": {Version: "1:2.39.5-0+deb12u2"}, "vim": {Version: "2:9.0", Held: true}, "libc6": {Version: "2.36"},
	}, installed)
	available := Apt{}.ParseAvailable([]byte("       git | 1:2.39.5-0+deb12u3 | http://deb.debian.org/debian bookworm/main amd64 Packages\n" +
		"       git | 1:2.39.5-0+deb12u2 | http://deb.debian.org/debian-security bookworm-security/main amd64 Packages\n" +
		"       git | 1:2.39.5-0+deb12u2 | http://deb.debian.org/debian bookworm/main Sources\n"))
	require.Equal(t, map[string][]string{"git": {"1:2.39.5-0+deb12u3", "1:2.39.5-0+deb12u2"}}, available)
}

func TestAptTransactionIsOneRun(t *testing.T) {
	runs := Apt{}.TransactionArgv([]string{"a=1.0", "b"}, []string{"c"}, false)
	require.Len(t, runs, 1)
	argv := strings.Join(runs[0], " ")
	require.True(t, strings.HasPrefix(argv, "env DEBIAN_FRONTEND=noninteractive apt-get -y"), argv)
	require.Contains(t, argv, "-o DPkg::Lock::Timeout=300")
	require.True(t, strings.HasSuffix(argv, "--no-install-recommends install a=1.0 b c-"), argv)
}

func TestDnf(t *testing.T) {
	installed, err := Dnf{}.ParseQuery([]byte("git\t0:2.43.5-1.el9\nvim\t2:8.2-1.el9\n"))
	require.NoError(t, err)
	ParseHolds([]byte("git-0:2.43.5-1.el9.*\n"), installed)
	require.Equal(t, map[string]Installed{"git": {Version: "2.43.5-1.el9", Held: true}, "vim": {Version: "2:8.2-1.el9"}}, installed)
	require.Equal(t, map[string][]string{"git": {"2.44.0-1.el9", "2.43.5-1.el9"}},
		Dnf{}.ParseAvailable([]byte("git\t0:2.43.5-1.el9\ngit\t0:2.44.0-1.el9\n")))
	runs := Dnf{}.TransactionArgv([]string{"git-2.43.5-1.el9"}, []string{"vim"}, false)
	require.Equal(t, [][]string{
		{"dnf", "-y", "-q", "--setopt=install_weak_deps=False", "install", "git-2.43.5-1.el9"},
		{"dnf", "-y", "-q", "--setopt=install_weak_deps=False", "remove", "vim"},
	}, runs)
}

// Requests submitted concurrently, with their changes expected first (as
// the plans before an apply announce them), go to apt as one transaction;
// a package no repository has fails alone, naming itself.
func TestBatcherOneTransaction(t *testing.T) {
	f := &fakeHost{
		installed: map[string]Installed{"old": {Version: "1"}, "held": {Version: "1", Held: true}},
		available: map[string][]string{"a": {"2.0", "1.0"}, "b": {"3.1"}, "held": {"1"}},
	}
	b := &Batcher{Host: f, Manager: Apt{}, Settle: 50 * time.Millisecond, MaxWait: 10 * time.Second}
	reqs := []Request{
		{Name: "a", Version: "1.*"}, {Name: "b", Hold: true}, {Name: "old", Remove: true},
		{Name: "held"}, {Name: "nosuch"},
	}
	for _, r := range reqs {
		b.Expect(r.Name)
	}
	results := make([]Result, len(reqs))
	var wg sync.WaitGroup
	for i, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = b.Submit(context.Background(), r)
		}()
	}
	wg.Wait()
	require.Equal(t, 1, f.count("apt-get"), "apt-get runs: %v", f.calls)
	require.Equal(t, 2, f.count("apt-mark"), "one hold, one unhold: %v", f.calls)
	require.Equal(t, 2, f.count("dpkg-query"), "one query before, one after")
	for i, want := range []Installed{{Version: "1.0"}, {Version: "3.1", Held: true}, {}, {Version: "1"}} {
		require.NoError(t, results[i].Err, reqs[i].Name)
		require.Equal(t, want, results[i].Installed, reqs[i].Name)
	}
	require.ErrorContains(t, results[4].Err, "package nosuch: no configured repository")
}

// A planned change whose apply never comes holds the batch back for
// MaxWait at most.
func TestBatcherMaxWait(t *testing.T) {
	f := &fakeHost{installed: map[string]Installed{}, available: map[string][]string{"a": {"1"}}}
	b := &Batcher{Host: f, Manager: Apt{}, Settle: 10 * time.Millisecond, MaxWait: 200 * time.Millisecond}
	b.Expect("never")
	r := b.Submit(context.Background(), Request{Name: "a"})
	require.NoError(t, r.Err)
	require.Equal(t, Installed{Version: "1"}, r.Installed)
}
