package core

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

// TestPlanApplyLifecycle takes one configuration through create, no-op,
// update, replace, orphan deletion and destroy, checking the plan each
// time and the files the provider wrote under the image root.
func TestPlanApplyLifecycle(t *testing.T) {
	te := newTestEngine(t, map[string]string{"main.tf": providerBlock + `
variable "names" { default = ["a", "b"] }
resource "spice_directory" "d" { path = "/srv" }
resource "spice_file" "each" {
  for_each = toset(var.names)
  path     = "${spice_directory.d.path}/${each.key}"
  content  = "hello ${each.key}\n"
}
resource "spice_file" "counted" {
  count   = 1
  path    = "/srv/n${count.index}"
  content = "n\n"
}
resource "spice_secret" "s" { length = 16 }
resource "spice_file" "secret" {
  path              = "/srv/secret"
  sensitive_content = spice_secret.s.result
}
output "first" { value = spice_file.each["a"].path }
output "secret" {
  value     = spice_secret.s.result
  sensitive = true
}
`})
	p := te.plan(t, NormalMode)
	assert.True(t, p.HasChanges())
	assert.Equal(t, map[string]Action{
		"spice_directory.d": Create, `spice_file.each["a"]`: Create, `spice_file.each["b"]`: Create,
		"spice_file.counted[0]": Create, "spice_secret.s": Create, "spice_file.secret": Create,
	}, actionsOf(p))
	for _, c := range p.Changes {
		if c.Addr == "spice_file.secret" {
			assert.Contains(t, c.Sensitive, cty.GetAttrPath("sensitive_content"), "a sensitive value keeps its mark in the plan")
		}
	}
	te.apply(t, p)
	content, err := os.ReadFile(filepath.Join(te.root, "srv/a"))
	require.NoError(t, err)
	assert.Equal(t, "hello a\n", string(content))
	assert.Positive(t, te.saved, "state is saved as instances complete")
	assert.Contains(t, te.State.Outputs, "first")
	assert.True(t, te.State.Outputs["secret"].Sensitive)
	r := te.State.FindIn("", "managed", "spice_file", "each")
	require.NotNil(t, r)
	assert.Equal(t, "map", r.Each)
	assert.Contains(t, r.Instances[0].Dependencies, "spice_directory.d")

	te.reload(t)
	p = te.plan(t, NormalMode)
	assert.False(t, p.HasChanges(), "applied configuration plans no changes: %v", actionsOf(p))

	// Drift: a file changed outside spice is found by refresh and updated.
	require.NoError(t, os.WriteFile(filepath.Join(te.root, "srv/b"), []byte("changed\n"), 0o644))
	te.reload(t)
	p = te.plan(t, NormalMode)
	require.Len(t, p.Drift, 1)
	assert.Equal(t, `spice_file.each["b"]`, p.Drift[0].Addr)
	assert.Equal(t, Update, actionsOf(p)[`spice_file.each["b"]`])

	// Without refresh, the drift goes unseen.
	te.reload(t)
	te.Refresh = false
	p = te.plan(t, NormalMode)
	assert.Empty(t, p.Drift)
	te.Refresh = true

	// A new path forces replacement; a dropped key is deleted.
	te.write(t, map[string]string{"main.tf": providerBlock + `
variable "names" { default = ["a"] }
resource "spice_directory" "d" { path = "/srv" }
resource "spice_file" "each" {
  for_each = toset(var.names)
  path     = "${spice_directory.d.path}/${each.key}"
  content  = "hello again ${each.key}\n"
}
resource "spice_file" "counted" {
  count   = 1
  path    = "/srv/m${count.index}"
  content = "n\n"
  lifecycle { create_before_destroy = true }
}
`})
	te.reload(t)
	p = te.plan(t, NormalMode)
	assert.Equal(t, map[string]Action{
		"spice_directory.d": NoOp, `spice_file.each["a"]`: Update, `spice_file.each["b"]`: Delete,
		"spice_file.counted[0]": CreateThenDelete, "spice_secret.s": Delete, "spice_file.secret": Delete,
	}, actionsOf(p))
	te.apply(t, p)
	_, err = os.Stat(filepath.Join(te.root, "srv/b"))
	assert.True(t, os.IsNotExist(err), "the dropped instance's file is deleted")
	_, err = os.Stat(filepath.Join(te.root, "srv/m0"))
	assert.NoError(t, err, "the replacement exists")
	_, err = os.Stat(filepath.Join(te.root, "srv/n0"))
	assert.True(t, os.IsNotExist(err), "the replaced object is deleted")
	assert.Nil(t, te.State.FindIn("", "managed", "spice_secret", "s"))

	te.reload(t)
	p = te.plan(t, DestroyMode)
	assert.Equal(t, map[string]Action{"spice_directory.d": Delete, `spice_file.each["a"]`: Delete, "spice_file.counted[0]": Delete}, actionsOf(p))
	te.apply(t, p)
	assert.Empty(t, te.State.Resources)
	assert.Empty(t, te.State.Outputs)
	_, err = os.Stat(filepath.Join(te.root, "srv"))
	assert.True(t, os.IsNotExist(err))
}

func TestPreventDestroy(t *testing.T) {
	te := newTestEngine(t, map[string]string{"main.tf": providerBlock + `
resource "spice_file" "f" {
  path    = "/keep"
  content = "x"
  lifecycle { prevent_destroy = true }
}
`})
	te.apply(t, te.plan(t, NormalMode))
	te.reload(t)
	_, diags := te.Plan(context.Background(), DestroyMode)
	require.True(t, diags.HasErrors())
	assert.Equal(t, "Instance cannot be destroyed", diags[0].Summary)
}

// TestConditionsAndChecks: preconditions and postconditions stop a plan
// with their message; a check block only warns.
func TestConditionsAndChecks(t *testing.T) {
	for name, tc := range map[string]struct {
		body     string
		severity string // "error", "warning" or "" for none
		message  string
	}{
		"precondition fails": {`
resource "spice_file" "f" {
  path = "/f"
  lifecycle {
    precondition {
      condition     = 1 > 2
      error_message = "one is not above two"
    }
  }
}`, "error", "one is not above two"},
		"postcondition fails": {`
resource "spice_file" "f" {
  path    = "/f"
  content = "x"
  lifecycle {
    postcondition {
      condition     = self.content == "y"
      error_message = "content is not y"
    }
  }
}`, "error", "content is not y"},
		"check warns": {`
resource "spice_file" "f" {
  path    = "/f"
  content = "x"
}
check "content" {
  assert {
    condition     = spice_file.f.content == "y"
    error_message = "still x"
  }
}`, "warning", "still x"},
		"conditions hold": {`
resource "spice_file" "f" {
  path    = "/f"
  content = "x"
  lifecycle {
    postcondition {
      condition     = self.content == "x"
      error_message = "unreachable"
    }
  }
}`, "", ""},
	} {
		t.Run(name, func(t *testing.T) {
			te := newTestEngine(t, map[string]string{"main.tf": providerBlock + tc.body})
			p, diags := te.Plan(context.Background(), NormalMode)
			if !diags.HasErrors() { // postconditions on values known only after apply run then
				diags = append(diags, te.Apply(context.Background(), p, te.save)...)
			}
			switch tc.severity {
			case "":
				assert.Empty(t, diags)
			case "error":
				require.True(t, diags.HasErrors())
				assert.Equal(t, tc.message, diags[0].Detail)
			case "warning":
				require.False(t, diags.HasErrors(), diags.Error())
				require.NotEmpty(t, diags, "the check warns while planning and again after apply")
				for _, d := range diags {
					assert.Equal(t, tc.message, d.Detail)
				}
			}
		})
	}
}

// TestModulesAndData: a local module called with arguments, its output
// used by the caller, and a data source read while planning.
func TestModulesAndData(t *testing.T) {
	te := newTestEngine(t, map[string]string{
		"main.tf": providerBlock + `
data "spice_host" "h" {}
module "app" {
  source = "./app"
  name   = "oms"
}
resource "spice_file" "host" {
  path    = "/host"
  content = data.spice_host.h.id
}
output "conf" { value = module.app.conf }
`,
		"app/main.tf": `
variable "name" { type = string }
variable "port" {
  type    = number
  default = 8000
}
locals { dir = "/opt/${var.name}" }
resource "spice_file" "conf" {
  path    = "${local.dir}/port"
  content = "${var.port}"
}
output "conf" { value = spice_file.conf.path }
`,
	})
	p := te.plan(t, NormalMode)
	assert.Equal(t, NoOp, actionsOf(p)["data.spice_host.h"], "a known data source is read while planning")
	assert.Equal(t, Create, actionsOf(p)["module.app.spice_file.conf"])
	assert.Equal(t, config.Data, p.Changes[0].Mode)
	te.apply(t, p)
	b, err := os.ReadFile(filepath.Join(te.root, "opt/oms/port"))
	require.NoError(t, err)
	assert.Equal(t, "8000", string(b))
	assert.NotNil(t, te.State.FindIn("module.app", "managed", "spice_file", "conf"))
	assert.NotNil(t, te.State.FindIn("", "data", "spice_host", "h"))
	assert.JSONEq(t, `"/opt/oms/port"`, string(te.State.Outputs["conf"].Value))
}

// TestImport adopts an existing file, by import block and by Import.
func TestImport(t *testing.T) {
	te := newTestEngine(t, map[string]string{"main.tf": providerBlock + `
resource "spice_file" "a" {
  path    = "/a"
  content = "a\n"
}
resource "spice_file" "b" {
  path    = "/b"
  content = "b\n"
}
import {
  to = spice_file.a
  id = "/a"
}
`})
	for _, f := range []string{"a", "b"} {
		require.NoError(t, os.WriteFile(filepath.Join(te.root, f), []byte(f+"\n"), 0o644))
	}
	diags := te.Import(context.Background(), "spice_file.b", "/b", te.save)
	require.False(t, diags.HasErrors(), diags.Error())
	assert.NotNil(t, te.State.FindIn("", "managed", "spice_file", "b"))
	te.reload(t)
	p := te.plan(t, NormalMode)
	for _, c := range p.Changes {
		if c.Addr == "spice_file.a" {
			assert.Equal(t, "/a", c.ImportID)
		}
	}
	assert.Equal(t, NoOp, actionsOf(p)["spice_file.b"], "the imported object matches its configuration")
	te.apply(t, p)
	assert.NotNil(t, te.State.FindIn("", "managed", "spice_file", "a"))

	diags = te.Import(context.Background(), "spice_file.b", "/b", func(*state.File) error { return nil })
	require.True(t, diags.HasErrors())
	assert.Equal(t, "Resource already managed", diags[0].Summary)
	diags = te.Import(context.Background(), "spice_file.nope", "/b", func(*state.File) error { return nil })
	assert.Equal(t, "Import to an undeclared resource", diags[0].Summary)
}

// TestValidate runs the provider's validators without configuring it.
func TestValidate(t *testing.T) {
	te := newTestEngine(t, map[string]string{"main.tf": providerBlock + `
resource "spice_file" "ok" {
  count   = 2
  path    = "/ok${count.index}"
  content = "x"
}
resource "spice_file" "bad" {
  path    = "/bad"
  content = "x"
  source  = "/elsewhere"
}
resource "spice_file" "readonly" {
  path   = "/r"
  sha256 = "abc"
}
`})
	diags := te.Validate(context.Background())
	require.True(t, diags.HasErrors())
	var lines []int
	for _, d := range diags {
		if d.Subject != nil {
			lines = append(lines, d.Subject.Start.Line)
		}
	}
	assert.Contains(t, summaries(diags), "Invalid Configuration for Read-Only Attribute")
	assert.Contains(t, lines, 17, "the read-only attribute's line")
	assert.Len(t, diags.Errs(), 2, "one error for each invalid resource, none for the counted one")
	_, err := os.Stat(filepath.Join(te.root, "ok0"))
	assert.True(t, os.IsNotExist(err), "validation writes nothing")
}
