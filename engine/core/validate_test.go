package core

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingServer is the real provider server, counting the validations
// it is asked for.
type countingServer struct {
	tfprotov6.ProviderServer
	validations *atomic.Int64
}

func (s countingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	s.validations.Add(1)
	return s.ProviderServer.ValidateResourceConfig(ctx, req)
}

// The provider validates each distinct configuration of a resource once;
// every instance still gets the answer, errors included, pointing at the
// attribute.
func TestValidateOncePerDistinctConfiguration(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		validations int64
		errors      int
	}{
		{name: "same configuration", body: `path = "/etc/same"
  content = "x"`, validations: 1},
		{name: "configuration from count.index", body: `path = "/etc/f${count.index}"
  content = "x"`, validations: 3},
		{name: "same values from count.index", body: `path = "/etc/same${count.index * 0}"
  content = "x"`, validations: 1},
		{name: "same invalid configuration", body: `path = "/etc/same"
  content = "x"
  source  = "/etc/hostname"`, validations: 1, errors: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEngine(t, map[string]string{"main.tf": `
provider "spice" {
  root = "ROOT"
}
resource "spice_file" "f" {
  count = 3
  ` + tt.body + `
}
`})
			var validations atomic.Int64
			te.Factory = func() tfprotov6.ProviderServer { return countingServer{factory(), &validations} }
			_, diags := te.Plan(context.Background(), NormalMode)
			assert.Equal(t, tt.validations, validations.Load(), "validations")
			require.Len(t, diags.Errs(), tt.errors, diags.Error())
			for _, d := range diags {
				assert.Equal(t, "Invalid attribute combination", d.Summary)
				require.NotNil(t, d.Subject)
				assert.Equal(t, 8, d.Subject.Start.Line, "the error points at content")
			}
		})
	}
}
