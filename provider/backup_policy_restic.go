package provider

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spice-harvester/terraform-provider-spice/backup"
	"github.com/spice-harvester/terraform-provider-spice/host"
)

// The restic engine of spice_backup_policy: its attributes, their
// validation and the password file on the host.

func resticAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"engine": schema.StringAttribute{
			Optional: true, Computed: true, Default: stringdefault.StaticString(backup.EngineNative),
			MarkdownDescription: "`native` (the default): one directory per backup under `destination`, with one archive per source. " +
				"`restic`: the backups go to a restic `repository`, which deduplicates (an unchanged second backup adds almost nothing), " +
				"compresses and encrypts; `destination` then holds only the lock and restic's cache. " +
				"The agent drives the host's `restic` (" + fmt.Sprintf("%d.%d", backup.ResticMinVersion[0], backup.ResticMinVersion[1]) +
				" or newer; install it with `spice_package` for instance): it creates the repository on the first run, backs up paths sources and " +
				"command sources (through `--stdin`), applies `retention` as `restic forget --prune` keep rules, and `spice backup verify` runs `restic check`.",
		},
		"repository": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "The restic repository (with `engine = \"restic\"` only): a local absolute path, `sftp:user@host:/path` " +
				"(restic's `ssh` then needs root's key and known host on the host) or any location restic supports (`rest:`, `s3:`, ...). " +
				"A repository that is not a local path counts as an off-site copy for recovery objectives with `offsite = true`.",
		},
		"password": schema.StringAttribute{
			Optional: true, Sensitive: true,
			MarkdownDescription: "The restic repository's password (required with `engine = \"restic\"`, refused otherwise). " +
				"Installed as `" + backup.ResticPasswordFile("NAME") + "` (0600 root) and given to restic as `RESTIC_PASSWORD_FILE`: " +
				"never on a command line, in the policy file or in output. A password changed on the host shows as a (sensitive) diff.",
		},
	}
}

// validateRestic says, naming the attribute, when password is missing or
// not used; the policy's own validation covers engine and repository.
func (m *backupPolicyModel) validateRestic(diags *diag.Diagnostics) {
	restic := m.Engine.ValueString() == backup.EngineRestic
	hasPassword := m.Password.ValueString() != ""
	switch {
	case restic && !hasPassword:
		diags.AddAttributeError(path.Root("password"), "Invalid backup policy", `password: is required with engine = "restic"`)
	case !restic && !m.Password.IsNull():
		diags.AddAttributeError(path.Root("password"), "Invalid backup policy", `password: is only used with engine = "restic"`)
	}
}

// installResticPassword writes the password file of a restic policy, or
// removes one that a policy no longer uses.
func (r *backupPolicyResource) installResticPassword(ctx context.Context, m *backupPolicyModel) error {
	file := backup.ResticPasswordFile(m.Name.ValueString())
	if m.Engine.ValueString() != backup.EngineRestic {
		if err := r.host.Remove(ctx, file); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s on %s: %w", file, r.host.Name(), err)
		}
		return nil
	}
	if err := r.host.WriteFile(ctx, file, []byte(m.Password.ValueString()), host.Attrs{Perm: 0o600, UID: 0, GID: 0}); err != nil {
		return fmt.Errorf("write the restic password of policy %s on %s: %w", m.Name.ValueString(), r.host.Name(), err)
	}
	return nil
}

// readResticPassword reads the installed password back: the host's is the
// truth, so a changed or removed one shows as a diff.
func (r *backupPolicyResource) readResticPassword(ctx context.Context, m *backupPolicyModel, p *backup.Policy) error {
	m.Engine, m.Repository, m.Password = types.StringValue(backup.EngineNative), types.StringNull(), types.StringNull()
	if p.Engine != backup.EngineRestic {
		return nil
	}
	m.Engine, m.Repository = types.StringValue(backup.EngineRestic), types.StringValue(p.Repository)
	b, err := r.host.ReadFile(ctx, p.PasswordFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		m.Password = types.StringValue("")
	case err != nil:
		return fmt.Errorf("read the restic password of policy %s on %s: %w", p.Name, r.host.Name(), err)
	default:
		m.Password = types.StringValue(string(b))
	}
	return nil
}
