package provider_test

import (
	"bytes"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/provider"
	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// postrotateAttacks once walked around the postrotate check (issue 20,
// finding 9), or are variants of it: each must be refused.
var postrotateAttacks = []string{
	"kill -HUP 1\nendscript\nfirstaction\ntouch /tmp/pwned",
	"kill -HUP 1\nendscript;\nfirstaction\ntouch /tmp/pwned",
	"kill -HUP 1\nendscript # x\nfirstaction\ntouch /tmp/pwned",
	"kill -HUP 1\n  \tendscript2\nrotate 1",
	"kill -HUP 1\nEndScript\nrotate 1",
	"kill -HUP 1\nendscript",
	"kill -HUP 1 \\\n",
	"a \\\nb",
	"kill -HUP 1\r\nendscript\r\n",
	"kill -HUP 1\vendscript",
	"kill -HUP 1\x00",
	"\xff",
	" \n\t\n",
}

func TestPostrotateAttacksRefused(t *testing.T) {
	for _, s := range postrotateAttacks {
		if err := provider.CheckPostrotate(s); err == nil {
			t.Errorf("%q accepted", s)
		} else if strings.Contains(err.Error(), "pwned") || strings.Contains(err.Error(), "HUP") {
			t.Errorf("%q: the error quotes the script: %v", s, err)
		}
	}
}

// postrotateScript joins tokens logrotate's lexer and the shell treat
// specially into a script of a few lines.
func postrotateScript(r *rand.Rand) string {
	tokens := []string{"endscript", "endscript;", "ENDSCRIPT", "firstaction", "postrotate", "rotate 1", "}", "{", "/tmp/x {",
		"#", ";", "\\", "\"", "'", " ", "\t", "\n", "\n", "\r", "\v", "kill -HUP 1", "echo", "é"}
	var b strings.Builder
	for range 1 + r.Intn(10) {
		b.WriteString(tokens[r.Intn(len(tokens))])
	}
	return b.String()
}

// scriptKind matches what logrotate -d -f prints for each script it
// would run; scriptBody the script between quotes, up to the last quote
// on a line of its own (a script may hold such lines itself).
var (
	scriptKind = regexp.MustCompile(`running (\w+(?: \w+)*) script\n`)
	scriptBody = regexp.MustCompile(`(?s)running script with args [^\n]*: "\n(.*)\n"\n`)
)

// TestPostrotateReadBackByLogrotate writes policies with seed and random
// scripts and asks logrotate what it read: every script checkPostrotate
// accepts must come back as the one postrotate script, exactly, with no
// other script or directive smuggled in and no error.
func TestPostrotateReadBackByLogrotate(t *testing.T) {
	bin, err := exec.LookPath("logrotate")
	testsupport.Require(t, err == nil, "logrotate (scripts/install-test-deps.sh installs it)")
	dir := t.TempDir()
	logFile := filepath.Join(dir, "app.log")
	if err := os.WriteFile(logFile, []byte("line\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	scripts := append([]string{"kill -HUP 1", "  endscriptless", "echo endscript", "x=endscript\n", "# endscript", "\tprintf '%s\\n' \"}\"\n}\n/etc/passwd {\n",
		"a \\ b", "\\\\n", "line1\n\n\tline3\n\n"}, postrotateAttacks...)
	r := rand.New(rand.NewSource(20))
	for range 60 {
		scripts = append(scripts, postrotateScript(r))
	}
	accepted := 0
	for _, script := range scripts {
		if provider.CheckPostrotate(script) != nil {
			continue
		}
		accepted++
		policy := filepath.Join(dir, "policy")
		if err := os.WriteFile(policy, []byte(provider.RenderLogrotate(logFile, script)), 0o644); err != nil {
			t.Fatal(err)
		}
		// -d: nothing is rotated or run; -f: every script is still
		// printed; a state file of our own, never the real one.
		var out bytes.Buffer
		cmd := exec.Command(bin, "-d", "-f", "-s", filepath.Join(dir, "state"), policy)
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Errorf("%q: logrotate -d: %v\n%s", script, err, out.String())
			continue
		}
		if strings.Contains(out.String(), "error:") {
			t.Errorf("%q: logrotate -d complains:\n%s", script, out.String())
			continue
		}
		kinds := scriptKind.FindAllStringSubmatch(out.String(), -1)
		body := scriptBody.FindStringSubmatch(out.String())
		want := strings.TrimRight(script, "\n")
		if len(kinds) != 1 || kinds[0][1] != "postrotate" || body == nil || body[1] != want {
			t.Errorf("%q: logrotate would run %q, want only the postrotate script %q\n%s", script, kinds, want, out.String())
		}
	}
	if accepted < 20 {
		t.Fatalf("only %d of %d scripts accepted: the generator tests too little", accepted, len(scripts))
	}
}
