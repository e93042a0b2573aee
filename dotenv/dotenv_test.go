package dotenv_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/dotenv"
	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

func TestRender_isSortedAndQuoted(t *testing.T) {
	got := string(dotenv.Render(map[string]string{
		"LOG_LEVEL": "INFO",
		"APP_NAME":  "spice harvester",
		"PATHS":     `C:\dir "x"`,
	}))
	want := dotenv.Header +
		`APP_NAME="spice harvester"` + "\n" +
		`LOG_LEVEL="INFO"` + "\n" +
		`PATHS="C:\\dir \"x\""` + "\n"
	assert.Equal(t, want, got)
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		value   string
		wantErr string
	}{
		{"plain", ""},
		{`$HOME $(id) ${ # = ' " \ x`, ""},
		{"tab\there", ""},
		{"", ""},
		{"a\nb", "line break"},
		{"a\rb", "line break"},
		{"nul\x00", "control character"},
		{"esc\x1b[0m", "control character"},
		{"${HOME}", "python-dotenv would expand"},
		{"x${A:-b}y", "python-dotenv would expand"},
		{"\xff", "not valid UTF-8"},
		{`C:\`, "ends with a backslash"},
		{`a\b`, ""},
	} {
		err := dotenv.ValidateValue(tc.value)
		if tc.wantErr == "" {
			assert.NoError(t, err, "%q", tc.value)
			continue
		}
		assert.ErrorContains(t, err, tc.wantErr, "%q", tc.value)
		if tc.value != "" {
			assert.NotContains(t, err.Error(), tc.value, "an error must not quote the value")
		}
	}
	for key, ok := range map[string]bool{"A": true, "_A1": true, "app_env": true, "1A": false, "A-B": false, "A B": false, "": false} {
		assert.Equal(t, ok, dotenv.ValidateKey(key) == nil, key)
	}
}

func TestParse(t *testing.T) {
	content := `# comment
export APP_ENV=production
  SPACED = "  kept  "  # trailing comment
SINGLE='no \escapes "here"'
UNQUOTED=value # comment
EMPTY=
ESCAPED="a\\b\"c\$d\n"
`
	got, err := dotenv.Parse([]byte(content))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"APP_ENV":  "production",
		"SPACED":   "  kept  ",
		"SINGLE":   `no \escapes "here"`,
		"UNQUOTED": "value",
		"EMPTY":    "",
		"ESCAPED":  `a\b"c\$d\n`,
	}, got)

	for _, bad := range []string{"NOEQUALS\n", `A="unterminated` + "\n", "A='x' trailing\n", "1A=x\n"} {
		_, err := dotenv.Parse([]byte("SECRET=hunter2\n" + bad))
		assert.ErrorContains(t, err, "line 2", "%q", bad)
		if err != nil {
			assert.NotContains(t, err.Error(), "hunter2")
		}
	}
}

// hostileAlphabet holds every character that matters to a dotenv reader.
const hostileAlphabet = ` "'\$#=` + "`{}\t;&|<>()*?!~aZ9_-.,:/@%^+äß✓"

func randomValues(n int) map[string]string {
	r := rand.New(rand.NewPCG(1, 2))
	vars := map[string]string{}
	runes := []rune(hostileAlphabet)
	for len(vars) < n {
		var b strings.Builder
		for range r.IntN(24) {
			b.WriteRune(runes[r.IntN(len(runes))])
		}
		if dotenv.ValidateValue(b.String()) != nil {
			continue // the generator may build ${...}
		}
		vars[fmt.Sprintf("V%03d", len(vars))] = b.String()
	}
	return vars
}

func TestRoundTrip(t *testing.T) {
	vars := randomValues(300)
	got, err := dotenv.Parse(dotenv.Render(vars))
	require.NoError(t, err)
	assert.Equal(t, vars, got)
}

// python-dotenv is how the SPICE HARVESTER services read .env: it must see
// exactly what was declared.
func TestRender_readByPythonDotenv(t *testing.T) {
	vars := randomValues(300)
	file := filepath.Join(t.TempDir(), ".env")
	require.NoError(t, os.WriteFile(file, dotenv.Render(vars), 0o600))
	got := testsupport.PythonDotenv(t, file)
	assert.Equal(t, vars, got)
}

func BenchmarkRenderAndParse(b *testing.B) {
	vars := randomValues(100)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := dotenv.Parse(dotenv.Render(vars)); err != nil {
			b.Fatal(err)
		}
	}
}

// systemd's EnvironmentFile= is the other reader: a real systemd, in a
// test container, must see exactly the declared values too.
func TestRender_readBySystemd(t *testing.T) {
	h := testhosts.Start(t, 1)[0]
	vars := randomValues(60)
	for k, v := range hostileValues() {
		vars[k] = v
	}
	cmd := h.Command("sh", "-c", "cat > /run/spice-test.env")
	cmd.Stdin = bytes.NewReader(dotenv.Render(vars))
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	// env -0: NUL-separated, so nothing in a value can be mistaken for a
	// separator.
	raw := h.Exec(t, "systemd-run", "--quiet", "--wait", "--pipe", "--property=EnvironmentFile=/run/spice-test.env", "/usr/bin/env", "-0")
	got := map[string]string{}
	for _, kv := range strings.Split(strings.TrimSuffix(raw, "\x00"), "\x00") {
		k, v, _ := strings.Cut(kv, "=")
		if _, declared := vars[k]; declared {
			got[k] = v
		}
	}
	assert.Equal(t, vars, got)
}

func hostileValues() map[string]string {
	return map[string]string{
		"SPACES": "  spaced  ", "DQ": `say "hi"`, "SQ": "it's", "DOLLAR": "$HOME $(id) `id`",
		"HASH": "a # b", "EQ": "a=b=c", "BS": `C:\new\table \\ \" \$`, "TAB": "a\tb", "EMPTY": "", "UNI": "Grüße ✓",
	}
}
