package schema

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/spice-harvester/terraform-provider-spice/health"
	"github.com/spice-harvester/terraform-provider-spice/host"
)

// stringCheck adapts a plain check function into a framework string
// validator, so each rule is written once as an ordinary Go function.
type stringCheck struct {
	description string
	check       func(string) error
	summary     string
}

func (c stringCheck) Description(context.Context) string         { return c.description }
func (c stringCheck) MarkdownDescription(context.Context) string { return c.description }

func (c stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := c.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, c.summary, fmt.Sprintf("%s: %s", req.Path, err))
	}
}

// AbsolutePath accepts the managed path form of host.CheckPath.
func AbsolutePath() validator.String {
	return stringCheck{
		description: "must be an absolute path in clean form",
		check:       host.CheckPath,
		summary:     "Invalid path",
	}
}

// HealthURL accepts the absolute http and https URLs a health check can
// probe: the one way spice_service's health_check and data
// spice_http_check validate theirs.
func HealthURL() validator.String {
	return stringCheck{
		description: "must be an absolute http or https URL",
		check:       health.CheckURL,
		summary:     "Invalid health check URL",
	}
}

// Duration accepts Go duration strings such as "10s" or "1m30s", greater
// than zero.
func Duration() validator.String { return durationCheck(false) }

// DurationOrZero accepts Go duration strings such as "1h", and zero ("0s").
func DurationOrZero() validator.String { return durationCheck(true) }

func durationCheck(zeroAllowed bool) validator.String {
	return stringCheck{
		description: `must be a duration such as "10s" or "1m30s"`,
		check: func(s string) error {
			d, err := time.ParseDuration(s)
			if err != nil {
				return fmt.Errorf("%q is not a duration such as \"10s\" or \"1m30s\"", s)
			}
			if d < 0 || (d == 0 && !zeroAllowed) {
				if zeroAllowed {
					return fmt.Errorf("%q must not be negative", s)
				}
				return fmt.Errorf("%q must be greater than zero", s)
			}
			return nil
		},
		summary: "Invalid duration",
	}
}
