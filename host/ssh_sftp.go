package host

import (
	"context"

	"github.com/pkg/sftp"
)

// WithSFTP runs fn with the connection's SFTP client, for callers that
// stream whole trees (off-site backup copies) rather than manage single
// files through Host. Paths are the server's own: Root does not apply.
// Unlike the file operations, fn is not repeated when the link breaks: a
// transfer is restarted by its caller, who knows what is safe to repeat.
func (s *SSH) WithSFTP(ctx context.Context, fn func(*sftp.Client) error) error {
	c, err := s.current(ctx)
	if err != nil {
		return err
	}
	return fn(c.sftp)
}
