package state

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// Backend holds a configuration's workspaces, each a Store: the local
// backend's files or the pg backend's rows. The CLI uses only this.
type Backend interface {
	// Workspaces lists the workspaces, "default" first, the others sorted.
	Workspaces(ctx context.Context) ([]string, error)
	// Store is a workspace's state. It creates the workspace when it is
	// missing, as Terraform's backends do when asked for its state.
	Store(ctx context.Context, workspace string) (Store, error)
	// DeleteWorkspace removes a workspace other than default.
	DeleteWorkspace(ctx context.Context, workspace string) error
	// Close releases the backend's connections.
	Close()
}

// LocalBackend keeps the default workspace in StatePath and any other in
// terraform.tfstate.d/NAME/ beside it, as Terraform's local backend does.
type LocalBackend struct{ StatePath string }

// Workspaces lists default and the directories of terraform.tfstate.d.
func (b LocalBackend) Workspaces(context.Context) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(filepath.Dir(b.StatePath), LocalWorkspaceDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("list workspaces: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != DefaultWorkspace {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return append([]string{DefaultWorkspace}, names...), nil
}

// Store is the workspace's state file; its directory is created for a
// workspace other than default.
func (b LocalBackend) Store(_ context.Context, workspace string) (Store, error) {
	path := LocalWorkspacePath(b.StatePath, workspace)
	if workspace != DefaultWorkspace {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("create workspace %s: %w", workspace, err)
		}
	}
	return LocalStore(path), nil
}

// DeleteWorkspace removes terraform.tfstate.d/NAME with its state.
func (b LocalBackend) DeleteWorkspace(_ context.Context, workspace string) error {
	if workspace == DefaultWorkspace {
		return errors.New("cannot delete the default workspace")
	}
	dir := filepath.Dir(LocalWorkspacePath(b.StatePath, workspace))
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("delete workspace %s: %w", workspace, err)
	}
	return nil
}

// Close does nothing: the local backend holds no connection.
func (LocalBackend) Close() {}
