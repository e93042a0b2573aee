package generated

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/dotenv"
	"github.com/spice-harvester/terraform-provider-spice/host"
)

// onRoot is a local host below a fresh directory, as the agent sees its
// machine with -root.
func onRoot(t *testing.T) (*host.Local, string) {
	t.Helper()
	root := t.TempDir()
	h, err := host.NewLocal(root)
	require.NoError(t, err)
	t.Cleanup(func() { _ = h.Close() })
	return h, root
}

func readVars(t *testing.T, root, p string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, p))
	require.NoError(t, err)
	vars, err := dotenv.Parse(b)
	require.NoError(t, err)
	return vars
}

func TestApplyGeneratesKeepsAndRefusesAChangedValue(t *testing.T) {
	ctx := context.Background()
	h, root := onRoot(t)
	const p = "/srv/app/.env"
	req := ApplyRequest{Path: p, Variables: map[string]string{"PORT": "8000"}, Attrs: host.Attrs{Perm: 0o600, UID: host.KeepID, GID: host.KeepID},
		Secrets: map[string]Secret{
			"SECRET_KEY": {Length: 50, Charset: Alphanumeric},
			"TOKEN":      {Length: 16, Charset: Hex},
			"SLUG":       {Length: 64, Charset: URLSafe},
		}}
	hashes, err := Apply(ctx, h, req)
	require.NoError(t, err)
	vars := readVars(t, root, p)
	assert.Equal(t, "8000", vars["PORT"])
	assert.Regexp(t, `^[A-Za-z0-9]{50}$`, vars["SECRET_KEY"])
	assert.Regexp(t, `^[0-9a-f]{16}$`, vars["TOKEN"])
	assert.Regexp(t, `^[A-Za-z0-9_-]{64}$`, vars["SLUG"])
	for name, h := range hashes {
		assert.NotContains(t, h, vars[name])
	}

	// Keeping every value and changing PORT rewrites PORT only.
	for name, s := range req.Secrets {
		s.Keep = hashes[name]
		req.Secrets[name] = s
	}
	req.Variables["PORT"] = "9000"
	again, err := Apply(ctx, h, req)
	require.NoError(t, err)
	assert.Equal(t, hashes, again)
	after := readVars(t, root, p)
	assert.Equal(t, "9000", after["PORT"])
	for name := range req.Secrets {
		assert.Equal(t, vars[name], after[name], name)
	}

	// Inspect withholds the generated values and sees an edit.
	ins, err := Inspect(ctx, h, InspectRequest{Path: p, Names: []string{"SECRET_KEY", "TOKEN", "SLUG"}})
	require.NoError(t, err)
	assert.True(t, ins.Canonical)
	assert.Equal(t, map[string]string{"PORT": "9000"}, ins.Variables)
	assert.Equal(t, hashes, ins.Hashes)
	edited := strings.Replace(string(must(os.ReadFile(filepath.Join(root, p)))), after["TOKEN"], "0123456789abcdef", 1)
	require.NoError(t, os.WriteFile(filepath.Join(root, p), []byte(edited), 0o600))
	ins, err = Inspect(ctx, h, InspectRequest{Path: p, Names: []string{"TOKEN"}})
	require.NoError(t, err)
	assert.NotEqual(t, hashes["TOKEN"], ins.Hashes["TOKEN"])

	// A kept value that changed since the plan fails, never naming it.
	_, err = Apply(ctx, h, req)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "TOKEN in /srv/app/.env changed")
	assert.NotContains(t, err.Error(), "0123456789abcdef")
	assert.NotContains(t, err.Error(), after["TOKEN"])
	info, err := os.Stat(filepath.Join(root, KeyFile))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
}

func TestInspectOfWhatIsNoEnvFile(t *testing.T) {
	ctx := context.Background()
	h, root := onRoot(t)
	ins, err := Inspect(ctx, h, InspectRequest{Path: "/absent/.env", Names: []string{"A"}})
	require.NoError(t, err)
	assert.False(t, ins.Found)
	require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(root, "link.env")))
	ins, err = Inspect(ctx, h, InspectRequest{Path: "/link.env", Names: []string{"A"}})
	require.NoError(t, err)
	assert.True(t, ins.NotRegular)
	require.NoError(t, os.WriteFile(filepath.Join(root, "bad.env"), []byte("A=\"unterminated\n"), 0o600))
	ins, err = Inspect(ctx, h, InspectRequest{Path: "/bad.env", Names: []string{"A"}})
	require.NoError(t, err)
	assert.True(t, ins.Found)
	assert.False(t, ins.Parsed)
	assert.Empty(t, ins.Hashes)
}

// Processes that find no key at the same moment all end up with the one
// key that was linked into place first.
func TestLoadKeyCreatesOneKeyUnderRace(t *testing.T) {
	root := t.TempDir()
	keys := make([]string, 16)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() {
			k, err := loadKey(root)
			assert.NoError(t, err)
			keys[i] = string(k)
		})
	}
	wg.Wait()
	for _, k := range keys {
		assert.Equal(t, keys[0], k)
	}
	assert.Len(t, keys[0], 32)
	left, err := filepath.Glob(filepath.Join(root, filepath.Dir(KeyFile), ".env-secrets.key-*"))
	require.NoError(t, err)
	assert.Empty(t, left, "temporary key files left behind")
}

func TestSecretValidate(t *testing.T) {
	for _, tc := range []struct {
		s    Secret
		want string
	}{
		{Secret{Length: 32, Charset: Alphanumeric}, ""},
		{Secret{Length: 15, Charset: Hex}, "length 15 is out of range"},
		{Secret{Length: 4097, Charset: Hex}, "out of range"},
		{Secret{Length: 32, Charset: "base64"}, `charset "base64" is not one of alphanumeric, hex, urlsafe`},
	} {
		err := tc.s.Validate()
		if tc.want == "" {
			assert.NoError(t, err)
		} else {
			assert.ErrorContains(t, err, tc.want)
		}
	}
}

// Every character of the alphabet turns up, and nothing else does (a
// character missing from 4096 draws has odds below e^-64).
func TestNewValueUsesTheWholeAlphabet(t *testing.T) {
	for name, alphabet := range alphabets {
		v, err := newValue(Secret{Length: 4096, Charset: name})
		require.NoError(t, err)
		assert.Len(t, v, 4096)
		assert.Empty(t, strings.Trim(v, alphabet), name)
		for _, c := range alphabet {
			assert.Contains(t, v, string(c), name)
		}
		assert.NoError(t, dotenv.ValidateValue(v))
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
