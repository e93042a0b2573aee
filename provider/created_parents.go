package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// Creating an object may bring missing parent directories along; they are
// recorded in the resource's private state, so that destroy leaves the
// tree as it found it.

// createdParentsKey names the private state entry listing the parent
// directories that creating an object brought along, nearest first.
const createdParentsKey = "created_parents"

// privateState is the framework's per-resource private state, as Create
// and Delete responses carry it.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// createTracked runs create for the object at p and remembers which of its
// parent directories did not exist before, so that destroy can take them
// back and leave the tree as it found it.
func createTracked(ctx context.Context, h host.Host, p string, private privateState, create func() error) (diag.Diagnostics, error) {
	var missing []string
	for dir := path.Dir(p); dir != "/"; dir = path.Dir(dir) {
		_, found, err := statExisting(ctx, h, dir)
		if err != nil {
			return nil, err
		}
		if found {
			break
		}
		missing = append(missing, dir)
	}
	if err := create(); err != nil {
		return nil, err
	}
	if len(missing) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(missing)
	if err != nil {
		return nil, err
	}
	return private.SetKey(ctx, createdParentsKey, b), nil
}

// removeCreatedParents deletes the parent directories createTracked
// recorded, nearest first, while they are empty. A directory that holds
// anything, such as another object's file, stays with its ancestors.
func removeCreatedParents(ctx context.Context, h host.Host, private privateState) diag.Diagnostics {
	b, diags := private.GetKey(ctx, createdParentsKey)
	if len(b) == 0 || diags.HasError() {
		return diags
	}
	var dirs []string
	if err := json.Unmarshal(b, &dirs); err != nil {
		diags.AddWarning("Parent directories left in place", fmt.Sprintf("cannot read the recorded parent directories: %s", err))
		return diags
	}
	for _, dir := range dirs {
		if err := h.Remove(ctx, dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
			break
		}
	}
	return diags
}
