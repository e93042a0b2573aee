package backup

import "context"

// Engine keeps the backups of one policy. The verbs (`spice backup
// run|list|verify|restore`), the drill and the metrics go through it, so
// that they work the same whichever engine the policy names.
type Engine interface {
	// Run makes one backup of every source, then applies retention.
	Run(ctx context.Context, opts Options) (*Result, error)
	// List returns the backups, oldest first.
	List(ctx context.Context) ([]Backup, error)
	// Verify checks that a backup is complete and intact.
	Verify(ctx context.Context, id string) (*Metadata, error)
	// Restore verifies a backup, then puts its sources into place.
	Restore(ctx context.Context, id string, opts RestoreOptions) ([]Restored, error)
}

// EngineOf returns the engine that p names: restic, or the native one.
func EngineOf(p *Policy) Engine {
	if p.Engine == EngineRestic {
		return &resticEngine{p: p}
	}
	return nativeEngine{p}
}

// nativeEngine keeps each backup in its own directory under the
// destination: one archive per source and metadata.json.
type nativeEngine struct{ p *Policy }

func (e nativeEngine) Run(ctx context.Context, opts Options) (*Result, error) {
	return Run(ctx, e.p, opts)
}

func (e nativeEngine) List(context.Context) ([]Backup, error) { return List(e.p) }

func (e nativeEngine) Verify(_ context.Context, id string) (*Metadata, error) {
	return Verify(e.p, id)
}

func (e nativeEngine) Restore(_ context.Context, id string, opts RestoreOptions) ([]Restored, error) {
	return Restore(e.p, id, opts)
}
