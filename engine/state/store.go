package state

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/spice-harvester/terraform-provider-spice/internal/atomicfile"
)

// Store keeps one workspace's state and its lock: a file of the local
// backend, or a row of the pg backend. Reading, writing (serial, lineage
// checks) and lock retries are the same code for both, in this package.
type Store interface {
	// Get returns the stored state, nil when there is none yet.
	Get(ctx context.Context) ([]byte, error)
	// Put replaces the stored state with b; previous is what Get returned
	// just before, which the local backend keeps as the backup.
	Put(ctx context.Context, b, previous []byte) error
	// TryLock takes the state lock once, without waiting: *ErrLocked when
	// someone else holds it.
	TryLock(ctx context.Context, info LockInfo) (release func() error, err error)
	// String names the state in messages.
	String() string
}

// LocalStore is the local backend's state file at path.
func LocalStore(path string) Store { return localStore(path) }

type localStore string

func (p localStore) String() string { return string(p) }

func (p localStore) Get(context.Context) ([]byte, error) {
	b, err := readRegular(string(p))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

func (p localStore) Put(_ context.Context, b, previous []byte) error {
	if len(previous) > 0 {
		if err := atomicfile.Write(string(p)+".backup", previous, atomicfile.Private); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
	}
	return atomicfile.Write(string(p), b, atomicfile.Private)
}

// LocalWorkspacePath is where the local backend keeps a workspace's state,
// as Terraform does: the default one in statePath, any other in
// terraform.tfstate.d/NAME/ beside it.
func LocalWorkspacePath(statePath, workspace string) string {
	if workspace == DefaultWorkspace {
		return statePath
	}
	return filepath.Join(filepath.Dir(statePath), LocalWorkspaceDir, workspace, filepath.Base(statePath))
}

// LocalWorkspaceDir holds the local backend's workspaces other than default.
const LocalWorkspaceDir = "terraform.tfstate.d"

// DefaultWorkspace is the workspace that always exists.
const DefaultWorkspace = "default"
