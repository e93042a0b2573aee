package state

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/spice-harvester/terraform-provider-spice/internal/atomicfile"
	"github.com/spice-harvester/terraform-provider-spice/internal/osfile"
)

// The journal lets an apply record each completed instance in O(1)
// instead of rewriting the whole state (O(N) per instance, O(N^2) per
// apply): beside a local state file, .NAME.journal holds, one line each,
// a header naming the state it extends (lineage and serial) and then
// the instance changes made since, each appended and fsync'd before the
// apply goes on. The apply folds it into the state file at its end; after
// a crash the next run folds it (Recover). The state file alone is always
// valid state: Terraform never reads the journal.
//
// A line is "CRC32C-HEX JSON\n". A crash mid-append leaves at most the
// last line torn; the first line without its newline, JSON or checksum
// ends the journal, and what follows it is ignored.

// JournalEntry is one change of an instance: set (the instance as it now
// is) or remove.
type JournalEntry struct {
	Op       string    `json:"op"` // JournalSet or JournalRemove
	Module   string    `json:"module,omitempty"`
	Mode     string    `json:"mode"`
	Type     string    `json:"type"`
	Name     string    `json:"name"`
	Each     string    `json:"each,omitempty"`
	Provider string    `json:"provider,omitempty"`
	Instance *Instance `json:"instance,omitempty"`  // for JournalSet
	IndexKey any       `json:"index_key,omitempty"` // for JournalRemove
}

// The operations of a JournalEntry.
const (
	JournalSet    = "set"
	JournalRemove = "remove"
)

// journalHeader names the state a journal extends.
type journalHeader struct {
	Lineage string `json:"lineage"`
	Serial  uint64 `json:"serial"`
}

var crc32c = crc32.MakeTable(crc32.Castagnoli)

// JournalPath is the journal beside the local state file at statePath.
func JournalPath(statePath string) string {
	return filepath.Join(filepath.Dir(statePath), "."+filepath.Base(statePath)+".journal")
}

// Journaled is a store that can keep a journal: the local backend's. The
// pg backend has none (see WriteTo's callers: it is written whole).
type Journaled interface {
	Store
	JournalPath() string
}

func (p localStore) JournalPath() string { return JournalPath(string(p)) }

// Journal is an open journal being appended to.
type Journal struct {
	path string

	mu      sync.Mutex // guards f's writes and the counters
	f       *os.File
	written uint64 // entries written
	err     error  // the first write error: the journal is unusable after it

	syncMu sync.Mutex // one fsync at a time; the others wait and reuse it
	synced uint64     // entries known durable
}

// OpenJournal starts the journal at path extending the state with that
// lineage and serial. A journal already there is an error: Recover folds
// and removes it before an operation starts, so one left means another
// process is applying without the lock.
func OpenJournal(path, lineage string, serial uint64) (*Journal, error) {
	f, err := osfile.OpenNoFollow(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, atomicfile.Private)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("start state journal %s: it exists: another apply is running without the state lock, or it was left by a crash that no spice command has recovered yet", path)
	}
	if err != nil {
		return nil, fmt.Errorf("start state journal %s: %w", path, err)
	}
	j := &Journal{path: path, f: f}
	if err := j.writeHeader(lineage, serial); err != nil {
		_ = f.Close()
		_ = os.Remove(path)
		return nil, err
	}
	// The journal's name must survive a crash as its records do.
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return j, nil
}

func (j *Journal) writeHeader(lineage string, serial uint64) error {
	b, _ := json.Marshal(journalHeader{Lineage: lineage, Serial: serial})
	if _, err := j.f.Write(journalLine(b)); err != nil {
		return fmt.Errorf("write state journal %s: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("sync state journal %s: %w", j.path, err)
	}
	return nil
}

func journalLine(b []byte) []byte {
	line := make([]byte, 0, len(b)+10)
	line = append(line, checksum(b)...)
	line = append(line, ' ')
	line = append(line, b...)
	return append(line, '\n')
}

// Write appends e to the journal (not yet durable: see SyncTo) and
// returns its sequence number.
func (j *Journal) Write(e JournalEntry) (uint64, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return 0, fmt.Errorf("encode state journal entry: %w", err)
	}
	line := journalLine(b)
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err == nil {
		if _, err := j.f.Write(line); err != nil {
			j.err = fmt.Errorf("write state journal %s: %w", j.path, err)
		}
	}
	j.written++
	return j.written, j.err
}

// SyncTo returns once the entries up to sequence number seq are durable
// (fsync'd). Concurrent callers share their fsyncs: one covers every entry
// written before it started.
func (j *Journal) SyncTo(seq uint64) error {
	j.syncMu.Lock()
	defer j.syncMu.Unlock()
	j.mu.Lock()
	upTo, err := j.written, j.err
	j.mu.Unlock()
	if err != nil || j.synced >= seq {
		return err
	}
	if err := j.f.Sync(); err != nil {
		j.mu.Lock()
		j.err = fmt.Errorf("sync state journal %s: %w", j.path, err)
		j.mu.Unlock()
		return j.err
	}
	j.synced = upTo
	return nil
}

// Append writes e and returns once it is durable.
func (j *Journal) Append(e JournalEntry) error {
	seq, err := j.Write(e)
	if err != nil {
		return err
	}
	return j.SyncTo(seq)
}

// Remove closes and deletes the journal once the state holds everything
// it recorded.
func (j *Journal) Remove() error {
	_ = j.f.Close()
	if err := os.Remove(j.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove state journal %s: %w", j.path, err)
	}
	return nil
}

// readJournal reads the journal at path: whether it exists, its header
// and its entries up to the first torn or corrupt line. Without a whole
// header (killed as it was started) valid is false: it extends nothing.
func readJournal(path string) (h journalHeader, entries []JournalEntry, exists, valid bool, err error) {
	b, err := readRegular(path)
	if errors.Is(err, fs.ErrNotExist) {
		return h, nil, false, false, nil
	}
	if err != nil {
		return h, nil, true, false, fmt.Errorf("read state journal %s: %w", path, err)
	}
	for first := true; ; first = false {
		nl := bytes.IndexByte(b, '\n')
		if nl < 0 {
			return h, entries, true, !first, nil
		}
		payload, good := checkLine(b[:nl])
		b = b[nl+1:]
		if !good {
			return h, entries, true, !first, nil
		}
		if first {
			if h, good = decodeHeader(payload); !good {
				return h, nil, true, false, nil
			}
			continue
		}
		e, good := decodeEntry(payload)
		if !good {
			return h, entries, true, true, nil
		}
		entries = append(entries, e)
	}
}

func decodeHeader(payload []byte) (journalHeader, bool) {
	var h journalHeader
	return h, json.Unmarshal(payload, &h) == nil
}

// decodeEntry reads an entry, its index key as JSON has it (json.Number),
// as the state's decoder reads it.
func decodeEntry(payload []byte) (JournalEntry, bool) {
	var e JournalEntry
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&e); err != nil {
		return e, false
	}
	return e, e.Op == JournalRemove || (e.Op == JournalSet && e.Instance != nil)
}

// checksum is b's CRC-32C in 8 hex digits.
func checksum(b []byte) []byte {
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], crc32.Checksum(b, crc32c))
	return hex.AppendEncode(nil, sum[:])
}

// checkLine returns a line's JSON when its checksum matches.
func checkLine(line []byte) ([]byte, bool) {
	sum, payload, found := bytes.Cut(line, []byte{' '})
	if !found || len(sum) != 8 {
		return nil, false
	}
	want := checksum(payload)
	return payload, bytes.Equal(sum, want)
}

// Replay applies journal entries to f.
func (f *File) Replay(entries []JournalEntry) {
	x := NewIndex(f)
	for _, e := range entries {
		r := Resource{Module: e.Module, Mode: e.Mode, Type: e.Type, Name: e.Name, Each: e.Each, Provider: e.Provider}
		switch e.Op {
		case JournalSet:
			x.Set(r, *e.Instance)
		case JournalRemove:
			x.Remove(r, e.IndexKey)
		}
	}
}

// foldJournal applies the store's journal to f, read from the store
// (lineage "" and serial 0 for no state yet), when the journal extends
// that state. It reports whether a journal exists and how many entries
// it applied.
func foldJournal(s Store, f *File) (exists bool, applied int, err error) {
	js, ok := s.(Journaled)
	if !ok {
		return false, 0, nil
	}
	h, entries, exists, valid, err := readJournal(js.JournalPath())
	if err != nil || !valid {
		return exists, 0, err
	}
	if h.Lineage != f.Lineage || h.Serial != f.Serial {
		return true, 0, nil // stale: the state was saved whole after it
	}
	f.Replay(entries)
	return true, len(entries), nil
}

// Recover makes the stored state whole after a crash: it folds a journal
// left beside it into it (saving it one serial higher), removes the
// journal, and removes the temporary files an interrupted atomic write of
// the state or its backup left. The caller holds the state lock (no
// write of the state can be running). It returns what it did, one line
// each, for the user.
func Recover(ctx context.Context, s Store) ([]string, error) {
	js, ok := s.(Journaled)
	if !ok {
		return nil, nil
	}
	var did []string
	statePath := s.String()
	for _, p := range []string{statePath, statePath + ".backup"} {
		removed, err := atomicfile.RemoveStale(p)
		if err != nil {
			return did, fmt.Errorf("recover state %s: %w", s, err)
		}
		if len(removed) > 0 {
			did = append(did, fmt.Sprintf("Removed %d temporary file(s) of %s left by an interrupted write.", len(removed), filepath.Base(p)))
		}
	}
	if _, err := os.Lstat(js.JournalPath()); errors.Is(err, fs.ErrNotExist) {
		return did, nil // no journal to fold: the state is whole as it is
	}
	f, exists, applied, err := readFolded(ctx, s)
	if err != nil || !exists {
		return did, err
	}
	if applied > 0 {
		if err := WriteTo(ctx, s, f); err != nil {
			return did, fmt.Errorf("recover state %s from its journal: %w", s, err)
		}
		did = append(did, fmt.Sprintf("Recorded in %s the %d change(s) of an interrupted apply from its journal.", filepath.Base(statePath), applied))
	}
	if err := os.Remove(js.JournalPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return did, fmt.Errorf("recover state %s: remove its journal: %w", s, err)
	}
	return did, nil
}
