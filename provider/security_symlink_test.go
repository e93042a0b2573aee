package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// TestAccFile_linkAtManagedPathIsDrift: a managed file replaced by a link
// to a root-only file outside the managed tree (issue 20, finding 2). The
// plan must not carry the link target's content, and apply must replace
// the link by the file, neither writing nor chmod-ing the target.
func TestAccFile_linkAtManagedPathIsDrift(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	const outsideSecret = "TOP-SECRET-OUTSIDE-THE-TREE"
	target := filepath.Join(t.TempDir(), "shadow")
	if err := os.WriteFile(target, []byte(outsideSecret), 0o600); err != nil {
		t.Fatal(err)
	}
	managed := filepath.Join(root, "etc/app/cred.txt")
	replaceByLink := func() {
		if err := os.Remove(managed); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, managed); err != nil {
			t.Fatal(err)
		}
	}
	config := func(mode string) string {
		return fileConfig(t, root, fmt.Sprintf(`path = "/etc/app/cred.txt"
mode = %q
sensitive_content = "mine\n"`, mode))
	}
	mine := "mine\n"
	targetUntouched := func(*terraform.State) error {
		info, err := os.Stat(target)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(target)
		if err != nil {
			return err
		}
		if info.Mode().Perm() != 0o600 || string(b) != outsideSecret {
			return fmt.Errorf("the link's target changed: mode %s, content %q", info.Mode(), b)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: config("0600"),
				Check:  testsupport.CheckFile(root, "/etc/app/cred.txt", "0600", &mine),
			},
			{
				// The content differs too: without the link being drift,
				// the plan would show the target's content.
				PreConfig: replaceByLink,
				Config:    config("0600"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_file.x", plancheck.ResourceActionCreate),
					notInPlan{outsideSecret},
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					testsupport.CheckFile(root, "/etc/app/cred.txt", "0600", &mine),
					checkNotLink(managed),
					targetUntouched,
				),
			},
			{
				// A mode change meets a link: the link is replaced, its
				// target keeps its mode.
				PreConfig: replaceByLink,
				Config:    config("0644"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_file.x", plancheck.ResourceActionCreate),
					notInPlan{outsideSecret},
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					testsupport.CheckFile(root, "/etc/app/cred.txt", "0644", &mine),
					checkNotLink(managed),
					targetUntouched,
				),
			},
		},
	})
}

// notInPlan fails when the plan (prior state, changes, everything) holds s.
type notInPlan struct{ s string }

func (c notInPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	b, err := json.Marshal(req.Plan)
	if err != nil {
		resp.Error = err
		return
	}
	if strings.Contains(string(b), c.s) {
		resp.Error = fmt.Errorf("the plan holds %q", c.s)
	}
}

func checkNotLink(p string) func(*terraform.State) error {
	return func(*terraform.State) error {
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return fmt.Errorf("%s is %s, not a regular file", p, info.Mode())
		}
		return nil
	}
}
