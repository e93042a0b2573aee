package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spice-harvester/terraform-provider-spice/facts"
	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/pkgmgr"
	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
)

var (
	_ resource.ResourceWithConfigure   = &packageResource{}
	_ resource.ResourceWithImportState = &packageResource{}
	_ resource.ResourceWithModifyPlan  = &packageResource{}
)

func newPackageResource() resource.Resource {
	return withBase(&packageResource{}, resourceBase[packageModel]{
		typeName: "_package", createFailed: "Cannot install package", updateFailed: "Cannot change package",
		deleteFailed: "Cannot remove package",
	})
}

// packageResource is spice_package: one OS package, applied with the
// host's other package changes in one transaction (pkgmgr.Batcher).
type packageResource struct {
	resourceBase[packageModel]
}

type packageModel struct {
	ID                types.String `tfsdk:"id"`
	Name              types.String `tfsdk:"name"`
	Version           types.String `tfsdk:"version"`
	State             types.String `tfsdk:"state"`
	Hold              types.Bool   `tfsdk:"hold"`
	InstallRecommends types.Bool   `tfsdk:"install_recommends"`
	UpdateCacheMaxAge types.String `tfsdk:"update_cache_max_age"`
	InstalledVersion  types.String `tfsdk:"installed_version"`
	InstalledBefore   types.Bool   `tfsdk:"installed_before"`
}

// Batch timing: siblings of one apply arrive within milliseconds of each
// other; Settle is generous for a loaded machine, MaxWait bounds the wait
// for a planned package whose apply never comes.
const (
	packageSettle  = time.Second
	packageMaxWait = 20 * time.Second
)

// packageHost is the package manager of a provider configuration's host,
// found from its facts at first use.
type packageHost struct {
	once    sync.Once
	batcher *pkgmgr.Batcher
	err     error
}

func (hc *hostContext) packageBatcher(ctx context.Context) (*pkgmgr.Batcher, error) {
	hc.packages.once.Do(func() {
		if hc.imageMode() {
			hc.packages.err = fmt.Errorf("packages of %s cannot be managed below root %s: the package manager works on a live system", hc.host.Name(), hc.host.Root())
			return
		}
		// Of the host's facts, os-release is all this needs: read alone,
		// it is one file instead of the whole fact script.
		// /etc/os-release is usually a link into /usr/lib, which host
		// reads do not follow: cat does, as the fact script does.
		res, err := hc.host.Run(ctx, host.Command{Argv: []string{"sh", "-c", "cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release"}})
		if err != nil {
			hc.packages.err = fmt.Errorf("read os-release of %s: %w", hc.host.Name(), err)
			return
		}
		osr := facts.ParseOSRelease(strings.Split(string(res.Stdout), "\n"))
		mgr, err := pkgmgr.For(osr["ID"], osr["ID_LIKE"])
		if err != nil {
			hc.packages.err = fmt.Errorf("%s: %w", hc.host.Name(), err)
			return
		}
		hc.packages.batcher = &pkgmgr.Batcher{Host: hc.host, Manager: mgr, Settle: packageSettle, MaxWait: packageMaxWait}
	})
	return hc.packages.batcher, hc.packages.err
}

func (r *packageResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An OS package, installed (or kept absent) with the host's package manager: apt on Debian and Ubuntu, " +
			"dnf on the RHEL family, chosen from the host's os-release.\n\n" +
			"All package changes of one host in one apply go to the package manager as **one transaction** " +
			"(one `apt-get install` naming every package; `NAME-` removes in the same run), non-interactively " +
			"(`DEBIAN_FRONTEND=noninteractive`), without recommended packages unless `install_recommends`, " +
			"waiting up to 5 minutes for another apt or dpkg to release its lock. The resources of a host wait for each other " +
			"(up to a second after the last of them arrived) before the transaction runs. Refresh reads the package database once per host (`dpkg-query`, `rpm -qa`).\n\n" +
			"A package no repository has fails the apply naming it; the host's other packages are still installed. " +
			"Destroy removes the package only when this resource installed it (`installed_before = false`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "The package name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "The package name, such as `git`. Changing it replaces the resource.",
				Validators:    []validator.String{spiceschema.PackageName()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"version": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The version: exact (`1:2.39.5-0+deb12u2`), or a prefix ending in `*` (`3.11.*`), the newest available that matches it. " +
					"Unset: any version; an installed package is left as it is.",
				Validators: []validator.String{spiceschema.PackageVersion()},
			},
			"state": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("present"),
				MarkdownDescription: "`present` (default) or `absent` (removed if installed, and kept away).",
				Validators:          []validator.String{stringvalidator.OneOf("present", "absent")},
			},
			"hold": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Hold the package at its version (`apt-mark hold`, `dnf versionlock`), so that upgrades leave it alone. Default `false`.",
			},
			"install_recommends": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Install the packages it recommends too (apt's default, spice's is `false`). Packages that ask for it go in a second transaction.",
			},
			"update_cache_max_age": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Refresh the package lists first (`apt-get update`) when they are older than this duration (`\"1h\"`; `\"0s\"`: always), " +
					"before a transaction runs. Unset: never. dnf refreshes its metadata by itself.",
				Validators: []validator.String{spiceschema.DurationOrZero()},
			},
			"installed_version": schema.StringAttribute{
				Computed: true, MarkdownDescription: "The version installed; empty when the package is not installed.",
			},
			"installed_before": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "Whether the package was already installed when this resource was created (or imported). " +
					"Destroy then leaves it installed.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (m *packageModel) request() pkgmgr.Request {
	req := pkgmgr.Request{
		Name: m.Name.ValueString(), Version: m.Version.ValueString(), Remove: m.State.ValueString() == "absent",
		Hold: m.Hold.ValueBool(), Recommends: m.InstallRecommends.ValueBool(),
	}
	if known(m.UpdateCacheMaxAge) {
		age, _ := time.ParseDuration(m.UpdateCacheMaxAge.ValueString()) // validated
		// "0s" is "always": any positive age under the stamp's precision.
		req.UpdateMaxAge = max(age, time.Nanosecond)
	}
	return req
}

// satisfied tells whether what state says is installed is what m asks.
func (m *packageModel) satisfied(state *packageModel) bool {
	installed := state.InstalledVersion.ValueString()
	if m.State.ValueString() == "absent" {
		return installed == ""
	}
	return pkgmgr.Matches(m.Version.ValueString(), installed) && m.Hold.ValueBool() == state.Hold.ValueBool()
}

// ModifyPlan plans installed_version: kept when the host already has what
// the configuration asks, unknown (an update) when not. Every planned
// change is announced to the host's batcher, so that the apply waits for
// it before running the transaction.
func (r *packageResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.hostContext == nil {
		return
	}
	if req.Plan.Raw.IsNull() {
		state := model[packageModel](ctx, req.State, &resp.Diagnostics)
		if state != nil && state.State.ValueString() == "present" && !state.InstalledBefore.ValueBool() {
			r.expect(ctx, state.Name.ValueString())
		}
		return
	}
	plan := plannedModel[packageModel](ctx, req, resp)
	if plan == nil || !known(plan.Name) {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), plan.Name)...)
	if req.State.Raw.IsNull() {
		r.expect(ctx, plan.Name.ValueString())
		return
	}
	state := model[packageModel](ctx, req.State, &resp.Diagnostics)
	if state == nil {
		return
	}
	if plan.satisfied(state) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("installed_version"), state.InstalledVersion)...)
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("installed_version"), types.StringUnknown())...)
	r.expect(ctx, plan.Name.ValueString())
}

func (r *packageResource) expect(ctx context.Context, name string) {
	if b, err := r.packageBatcher(ctx); err == nil {
		b.Expect(name)
	} // else: the apply reports the error
}

func (r *packageResource) converge(ctx context.Context, plan, prior *packageModel) (diag.Diagnostics, error) {
	plan.ID = plan.Name
	b, err := r.packageBatcher(ctx)
	if err != nil {
		return nil, err
	}
	if prior != nil {
		plan.InstalledBefore = prior.InstalledBefore
	} else {
		installed, err := b.Installed(ctx)
		if err != nil {
			return nil, err
		}
		_, before := installed[plan.Name.ValueString()]
		plan.InstalledBefore = types.BoolValue(before)
	}
	res := b.Submit(ctx, plan.request())
	plan.InstalledVersion = types.StringValue(res.Installed.Version)
	if res.Err != nil && (prior != nil || res.Found) {
		// What is installed now is in the state; the next plan shows
		// what is still missing.
		return nil, &keptError{res.Err}
	}
	return nil, res.Err
}

func (r *packageResource) refresh(ctx context.Context, state *packageModel) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	b, err := r.packageBatcher(ctx)
	if err == nil {
		var installed map[string]pkgmgr.Installed
		if installed, err = b.Installed(ctx); err == nil {
			inst, found := installed[state.Name.ValueString()]
			state.InstalledVersion = types.StringValue(inst.Version)
			if found {
				state.Hold = types.BoolValue(inst.Held)
			}
			return true, nil
		}
	}
	diags.AddError("Cannot read package", err.Error())
	return true, diags
}

// destroy removes a package this resource installed, and releases a hold
// it set on one it found installed.
func (r *packageResource) destroy(ctx context.Context, state *packageModel) (diag.Diagnostics, error) {
	if state.State.ValueString() != "present" {
		return nil, nil
	}
	b, err := r.packageBatcher(ctx)
	if err != nil {
		return nil, err
	}
	req := pkgmgr.Request{Name: state.Name.ValueString(), Remove: true}
	if state.InstalledBefore.ValueBool() {
		if !state.Hold.ValueBool() {
			return nil, nil
		}
		req = pkgmgr.Request{Name: req.Name, Version: state.InstalledVersion.ValueString()}
	}
	res := b.Submit(ctx, req)
	if res.Err != nil && !res.Found && !req.Remove {
		return nil, nil // removed out of band: nothing left to release
	}
	return nil, res.Err
}

// ImportState takes the name of an installed package. It counts as
// installed before spice: destroy leaves it.
func (r *packageResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if spiceschema.CheckPackageName(req.ID) != nil {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%q: the import ID is a package name, such as \"git\"", req.ID))
		return
	}
	b, err := r.packageBatcher(ctx)
	var installed map[string]pkgmgr.Installed
	if err == nil {
		installed, err = b.Installed(ctx)
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot import package", err.Error())
		return
	}
	if _, ok := installed[req.ID]; !ok {
		resp.Diagnostics.AddError("Cannot import package", fmt.Sprintf("package %s is not installed on %s", req.ID, r.host.Name()))
		return
	}
	for attr, v := range map[string]any{
		"id": req.ID, "name": req.ID, "state": "present", "hold": false, "install_recommends": false, "installed_before": true,
	} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
}
