package backup

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidateEngine(t *testing.T) {
	restic := func(p *Policy) {
		p.Engine, p.Repository, p.PasswordFile = EngineRestic, "sftp:backup@dc2.example.net:/srv/restic/app", "/etc/spice/backup/terminusdb.restic-password"
	}
	tests := []struct {
		name    string
		change  func(p *Policy)
		wantErr string // "" means valid
	}{
		{"native by name", func(p *Policy) { p.Engine = EngineNative }, ""},
		{"restic sftp", restic, ""},
		{"restic local", func(p *Policy) { restic(p); p.Repository = "/srv/restic/app" }, ""},
		{"restic rest", func(p *Policy) { restic(p); p.Repository = "rest:https://user:secret@backup.example.net/app" }, ""},
		{"unknown engine", func(p *Policy) { p.Engine = "borg" }, `engine: "borg" is not supported: use "native" or "restic"`},
		{"native with repository", func(p *Policy) { p.Repository = "/srv/restic" }, `repository: is only used with engine = "restic"`},
		{"native with password", func(p *Policy) { p.PasswordFile = "/etc/pw" }, `password_file: is only used with engine = "restic"`},
		{"restic without repository", func(p *Policy) { restic(p); p.Repository = "" }, `repository: is required with engine = "restic"`},
		{"restic relative repository", func(p *Policy) { restic(p); p.Repository = "srv/restic" }, "repository: must be an absolute path or start with one of local: sftp:"},
		{"restic unclean repository", func(p *Policy) { restic(p); p.Repository = "/srv/restic/" }, `repository: "/srv/restic/" must be a clean path`},
		{"restic without password", func(p *Policy) { restic(p); p.PasswordFile = "" }, `password_file: is required with engine = "restic"`},
		{"restic with offsite", func(p *Policy) { restic(p); p.Offsite = []Offsite{validOffsite()} }, "offsite: is for the native engine"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := validPolicy()
			tc.change(&p)
			err := p.Validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestResticLocation(t *testing.T) {
	for repo, want := range map[string]struct {
		offsite bool
		shown   string
	}{
		"/srv/restic":                        {false, "/srv/restic"},
		"local:/srv/restic":                  {false, "local:/srv/restic"},
		"sftp:backup@dc2:/srv/restic":        {true, "sftp:backup@dc2:/srv/restic"},
		"rest:https://u:secret@dc2:8000/app": {true, "rest:https://u:xxxxx@dc2:8000/app"},
		"s3:s3.example.net/bucket/app":       {true, "s3:s3.example.net/bucket/app"},
	} {
		p := &Policy{Name: "app", Engine: EngineRestic, Repository: repo}
		if got := p.OffsiteRepository(); got != want.offsite {
			t.Errorf("OffsiteRepository(%s) = %v", repo, got)
		}
		if got := (&resticEngine{p: p}).location(); got != want.shown {
			t.Errorf("location(%s) = %s, want %s", repo, got, want.shown)
		}
	}
}

// TestResticVersionCheck: a missing restic and one older than
// ResticMinVersion fail the run with what to do. The old restic is a fake
// (a script printing Debian 11's version line): no older restic is
// installed here.
func TestResticVersionCheck(t *testing.T) {
	bin := t.TempDir()
	t.Setenv("PATH", bin)
	p := testPolicy(t, Source{Name: "db", Command: []string{"true"}})
	p.Engine, p.Repository, p.PasswordFile = EngineRestic, filepath.Join(t.TempDir(), "repo"), "/nonexistent/password"
	_, err := EngineOf(p).Run(context.Background(), Options{})
	if err == nil || !strings.Contains(err.Error(), "policy test uses engine restic, but restic is not installed on this host: install restic 0.14.0 or newer") {
		t.Errorf("without restic: %v", err)
	}
	fake := "#!/bin/sh\necho 'restic 0.11.0 compiled with go1.15.9 on linux/amd64'\n"
	if err := os.WriteFile(filepath.Join(bin, "restic"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = EngineOf(p).Run(context.Background(), Options{})
	if err == nil || !strings.Contains(err.Error(), "restic 0.11.0 is too old for policy test: spice needs restic 0.14.0 or newer") {
		t.Errorf("with restic 0.11.0: %v", err)
	}
}

// TestResticFailedCommand: a command source that fails leaves nothing in
// the repository that counts or lingers: no backup, no snapshot.
func TestResticFailedCommand(t *testing.T) {
	if _, err := exec.LookPath("restic"); err != nil {
		t.Skip("restic is not installed (scripts/install-test-deps.sh installs it)")
	}
	p := testPolicy(t, Source{Name: "db", Command: []string{"sh", "-c", "echo partial dump; echo dump failed >&2; exit 3"}})
	password := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(password, []byte("test"), 0o600); err != nil {
		t.Fatal(err)
	}
	p.Engine, p.Repository, p.PasswordFile = EngineRestic, filepath.Join(t.TempDir(), "repo"), password
	e := &resticEngine{p: p}
	_, err := e.Run(context.Background(), Options{})
	if err == nil || !strings.Contains(err.Error(), "source db: command \"sh\": exit status 3: dump failed") {
		t.Fatalf("run: %v", err)
	}
	snaps, exists, err := e.snapshots(context.Background())
	if err != nil || !exists || len(snaps) != 0 {
		t.Fatalf("after the failed run the repository (exists %v) holds %d snapshots: %v", exists, len(snaps), err)
	}
}
