package state

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fileWith(resources ...Resource) *File {
	f := New()
	f.Resources = resources
	return f
}

func res(module, name, each string, keys ...any) Resource {
	r := Resource{Module: module, Mode: "managed", Type: "spice_file", Name: name, Each: each, Provider: "p"}
	for _, k := range keys {
		r.Instances = append(r.Instances, Instance{IndexKey: k, Attributes: json.RawMessage(`{}`)})
	}
	return r
}

func TestMove(t *testing.T) {
	for name, tc := range map[string]struct {
		src, dst string
		want     []string
		err      string
	}{
		"rename resource":      {src: "spice_file.a", dst: "spice_file.b", want: []string{"spice_file.b[0]", "spice_file.b[1]", "spice_file.c"}},
		"into a module":        {src: "spice_file.c", dst: "module.app.spice_file.c", want: []string{"module.app.spice_file.c", "spice_file.a[0]", "spice_file.a[1]"}},
		"instance to resource": {src: "spice_file.a[1]", dst: "spice_file.one", want: []string{"spice_file.a[0]", "spice_file.c", "spice_file.one"}},
		"instance to key":      {src: "spice_file.a[0]", dst: `spice_file.m["x"]`, want: []string{`spice_file.a[1]`, "spice_file.c", `spice_file.m["x"]`}},
		"taken":                {src: "spice_file.a[0]", dst: "spice_file.c", err: "already exists"},
		"other type":           {src: "spice_file.c", dst: "spice_directory.c", err: "keeps the resource type"},
		"missing":              {src: "spice_file.z", dst: "spice_file.y", err: "no object spice_file.z"},
		"bad address":          {src: "spice_file", dst: "spice_file.y", err: "is not TYPE.NAME"},
	} {
		t.Run(name, func(t *testing.T) {
			f := fileWith(res("", "a", "list", float64(0), float64(1)), res("", "c", "", nil))
			err := f.Move(tc.src, tc.dst)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, f.Addresses())
		})
	}
}

// state push: another lineage or an older serial is refused unless
// forced; a forced push keeps the pushed serial and lineage.
func TestPush(t *testing.T) {
	ctx := context.Background()
	store := LocalStore(filepath.Join(t.TempDir(), DefaultPath))
	stored := New()
	require.NoError(t, WriteTo(ctx, store, stored))
	require.NoError(t, WriteTo(ctx, store, stored)) // serial 2

	older := *stored
	older.Serial = 1
	require.ErrorContains(t, Push(ctx, store, &older, false), "newer than the pushed 1")
	other := New()
	other.Lineage, other.Serial = "another", 5
	require.ErrorContains(t, Push(ctx, store, other, false), `cannot replace lineage`)

	same := *stored // serial 2, equal: pushed one higher
	require.NoError(t, Push(ctx, store, &same, false))
	got, err := ReadFrom(ctx, store)
	require.NoError(t, err)
	assert.Equal(t, uint64(3), got.Serial)

	require.NoError(t, Push(ctx, store, other, true))
	got, err = ReadFrom(ctx, store)
	require.NoError(t, err)
	assert.Equal(t, "another", got.Lineage)
	assert.Equal(t, uint64(5), got.Serial)
}
