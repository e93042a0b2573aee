package pkgmgr

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// fakeHost is a fake: a package database in memory behind the commands
// the batcher runs, so that batching is tested without a real apt (the
// container test in package provider runs the real one). Only Run is
// implemented.
type fakeHost struct {
	host.Host
	mu        sync.Mutex
	installed map[string]Installed
	available map[string][]string
	calls     [][]string
}

func (f *fakeHost) Name() string { return "fake" }

func (f *fakeHost) Run(_ context.Context, cmd host.Command) (host.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, cmd.Argv)
	argv := cmd.Argv
	if argv[0] == "env" {
		argv = argv[2:]
	}
	var out strings.Builder
	switch argv[0] {
	case "dpkg-query":
		for name, inst := range f.installed {
			want := "install"
			if inst.Held {
				want = "hold"
			}
			out.WriteString(name + "\t" + inst.Version + "\t" + want + "\tinstalled\n")
		}
	case "apt-cache":
		for _, name := range argv[2:] {
			for _, v := range f.available[name] {
				out.WriteString(name + " | " + v + " | file:/repo ./ Packages\n")
			}
		}
	case "apt-get":
		for _, spec := range argv[slices.Index(argv, "install")+1:] {
			if name, ok := strings.CutSuffix(spec, "-"); ok {
				delete(f.installed, name)
				continue
			}
			name, version, _ := strings.Cut(spec, "=")
			if version == "" {
				version = f.available[name][0]
			}
			f.installed[name] = Installed{Version: version, Held: f.installed[name].Held}
		}
	case "apt-mark":
		for _, name := range argv[2:] {
			inst := f.installed[name]
			inst.Held = argv[1] == "hold"
			f.installed[name] = inst
		}
	}
	return host.Result{Stdout: []byte(out.String())}, nil
}

func (f *fakeHost) count(argv0 string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c[0] == argv0 || (c[0] == "env" && c[2] == argv0) {
			n++
		}
	}
	return n
}
