package state

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fileEntry(i int) JournalEntry {
	return JournalEntry{Op: JournalSet, Mode: "managed", Type: "spice_file", Name: "f", Each: "list", Provider: "p",
		Instance: &Instance{IndexKey: int64(i), Attributes: json.RawMessage(fmt.Sprintf(`{"path":"/%d"}`, i)), SensitiveAttributes: json.RawMessage(`[]`)}}
}

// A journal left by a killed apply is folded into the state by the next
// reader (in memory) and by Recover (saved, one serial higher, journal
// gone); a torn last line is ignored, and so is everything after a
// corrupt line.
func TestJournalFoldsIntoState(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct {
		tail string // appended after three whole entries
		want []string
	}{
		"whole":         {want: []string{"spice_file.f[0]", "spice_file.f[2]", "spice_file.f[3]"}},
		"torn last":     {tail: `1234abcd {"op":"set","mo`, want: []string{"spice_file.f[0]", "spice_file.f[2]", "spice_file.f[3]"}},
		"bad checksum":  {tail: "00000000 {}\n" + `{"op":"remove"}` + "\n", want: []string{"spice_file.f[0]", "spice_file.f[2]", "spice_file.f[3]"}},
		"zeros at tail": {tail: "\x00\x00\x00\x00\x00\x00", want: []string{"spice_file.f[0]", "spice_file.f[2]", "spice_file.f[3]"}},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), DefaultPath)
			st := New()
			st.Resources = []Resource{{Mode: "managed", Type: "spice_file", Name: "f", Each: "list", Provider: "p",
				Instances: []Instance{*fileEntry(0).Instance, *fileEntry(1).Instance}}}
			require.NoError(t, Write(path, st))
			before, err := os.ReadFile(path)
			require.NoError(t, err)

			j, err := OpenJournal(JournalPath(path), st.Lineage, st.Serial)
			require.NoError(t, err)
			require.NoError(t, j.Append(fileEntry(2)))
			require.NoError(t, j.Append(JournalEntry{Op: JournalRemove, Mode: "managed", Type: "spice_file", Name: "f", IndexKey: int64(1)}))
			require.NoError(t, j.Append(fileEntry(3)))
			f, err := os.OpenFile(JournalPath(path), os.O_WRONLY|os.O_APPEND, 0)
			require.NoError(t, err)
			_, err = f.WriteString(tc.tail)
			require.NoError(t, err)
			require.NoError(t, f.Close())

			got, err := Read(path)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Addresses(), "read folds the journal in")
			after, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, before, after, "reading writes nothing")

			did, err := Recover(ctx, LocalStore(path))
			require.NoError(t, err)
			assert.Len(t, did, 1)
			assert.NoFileExists(t, JournalPath(path))
			got, err = Read(path)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Addresses())
			assert.Equal(t, st.Serial+1, got.Serial)
		})
	}
}

// A journal the state was saved after (the apply saved it whole, then
// died before removing the journal) is stale: Recover drops it unread.
func TestJournalStaleIsDropped(t *testing.T) {
	path := filepath.Join(t.TempDir(), DefaultPath)
	st := New()
	require.NoError(t, Write(path, st))
	j, err := OpenJournal(JournalPath(path), st.Lineage, st.Serial)
	require.NoError(t, err)
	require.NoError(t, j.Append(fileEntry(7)))
	require.NoError(t, Write(path, st)) // serial + 1

	got, err := Read(path)
	require.NoError(t, err)
	assert.Empty(t, got.Addresses())
	did, err := Recover(context.Background(), LocalStore(path))
	require.NoError(t, err)
	assert.Empty(t, did)
	assert.NoFileExists(t, JournalPath(path))
	got, err = Read(path)
	require.NoError(t, err)
	assert.Equal(t, st.Serial, got.Serial, "nothing to record: the state is not written")
}

// A journal killed as it was started, before its header was whole,
// extends nothing: Recover removes it, and the next apply starts its own.
func TestJournalWithoutHeaderIsDropped(t *testing.T) {
	for name, content := range map[string]string{"empty": "", "torn header": `1234abcd {"lineage":`} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), DefaultPath)
			require.NoError(t, os.WriteFile(JournalPath(path), []byte(content), 0o600))
			_, err := Recover(context.Background(), LocalStore(path))
			require.NoError(t, err)
			assert.NoFileExists(t, JournalPath(path))
			_, err = OpenJournal(JournalPath(path), "", 0)
			require.NoError(t, err)
		})
	}
}

// A journal that extends no state yet (the first apply, killed before
// its end) gives the state its first contents.
func TestJournalOnNoState(t *testing.T) {
	path := filepath.Join(t.TempDir(), DefaultPath)
	j, err := OpenJournal(JournalPath(path), "", 0)
	require.NoError(t, err)
	require.NoError(t, j.Append(fileEntry(0)))
	_, err = OpenJournal(JournalPath(path), "", 0)
	require.ErrorContains(t, err, "another apply is running without the state lock", "a second journal never replaces the first")

	require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(path), ".terraform.tfstate.tmp-0123456789abcdef"), []byte("{"), 0o600))
	did, err := Recover(context.Background(), LocalStore(path))
	require.NoError(t, err)
	assert.Len(t, did, 2, "temporary file removed, journal recorded")
	got, err := Read(path)
	require.NoError(t, err)
	assert.Equal(t, []string{"spice_file.f[0]"}, got.Addresses())
	assert.NotEmpty(t, got.Lineage)
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{DefaultPath}, names)
}

// Index keeps instance positions right through removals.
func TestIndexSetRemove(t *testing.T) {
	f := New()
	x := NewIndex(f)
	r := Resource{Mode: "managed", Type: "spice_file", Name: "f", Provider: "p"}
	for i := range 5 {
		x.Set(r, Instance{IndexKey: int64(i), Attributes: json.RawMessage(`{}`)})
	}
	x.Remove(r, float64(1)) // as decoded from JSON
	x.Remove(r, json.Number("3"))
	x.Set(r, Instance{IndexKey: int64(4), Attributes: json.RawMessage(`{"v":2}`)})
	require.Len(t, f.Resources, 1)
	var keys []any
	for _, inst := range f.Resources[0].Instances {
		keys = append(keys, inst.IndexKey)
	}
	assert.Equal(t, []any{int64(0), int64(2), int64(4)}, keys)
	assert.JSONEq(t, `{"v":2}`, string(f.Resources[0].Instances[2].Attributes))
	for _, k := range []int64{0, 2, 4} {
		x.Remove(r, k)
	}
	assert.Empty(t, f.Resources, "a resource without instances goes")
}
