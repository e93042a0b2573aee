package schema

import "github.com/hashicorp/terraform-plugin-framework/schema/validator"

// Check makes a validator of a check function: a value it refuses fails
// the plan with summary and a message naming the attribute and the reason.
func Check(summary, description string, check func(string) error) validator.String {
	return stringCheck{description: description, check: check, summary: summary}
}
