package provider_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// refusalCases runs a table of configurations that must be refused, each a
// step with ExpectError, as the steps of one TestCase, in name order. A
// TestCase of its own per case would add Terraform's version checks, an
// init and a read of the state at its end to the case's own init and plan:
// most of what such a case costs. Each step logs its case's name first, so
// that a failure, which the framework reports by step number, names its
// case.
func refusalCases(t *testing.T, cases map[string]resource.TestStep) {
	t.Helper()
	steps := make([]resource.TestStep, 0, len(cases))
	for _, name := range slices.Sorted(maps.Keys(cases)) {
		step := cases[name]
		if step.ExpectError == nil || step.PreConfig != nil {
			t.Fatalf("case %q: refusalCases takes steps that expect an error and have no PreConfig", name)
		}
		step.PreConfig = func() { t.Logf("case %q", name) }
		steps = append(steps, step)
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testsupport.ProviderFactories(), Steps: steps})
}
