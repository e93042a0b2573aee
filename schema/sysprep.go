package schema

import (
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/spice-harvester/terraform-provider-spice/pkgmgr"
)

// packageName is what apt and dnf accept as a package name (no version,
// no architecture suffix, no globs).
var packageName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9+._-]*$`)

// CheckPackageName says what is wrong with a package name.
func CheckPackageName(s string) error {
	if !packageName.MatchString(s) {
		return fmt.Errorf("%q is not a package name: letters, digits and + - . _, without a version", s)
	}
	return nil
}

// PackageName accepts OS package names.
func PackageName() validator.String {
	return stringCheck{description: "must be a package name", check: CheckPackageName, summary: "Invalid package name"}
}

// PackageVersion accepts an exact version or a prefix ending in "*".
func PackageVersion() validator.String {
	return stringCheck{description: `must be a version, or a prefix ending in "*"`, check: pkgmgr.CheckVersion, summary: "Invalid package version"}
}

// accountName is the portable user and group name of useradd(8) and
// groupadd(8) (NAME_REGEX of Debian's adduser, without the trailing $ of
// machine accounts).
var accountName = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)

// CheckAccountName says what is wrong with a user or group name.
func CheckAccountName(s string) error {
	if !accountName.MatchString(s) {
		return fmt.Errorf("%q is not a user or group name: up to 32 lower-case letters, digits, _ and -, starting with a letter or _", s)
	}
	return nil
}

// AccountName accepts user and group names.
func AccountName() validator.String {
	return stringCheck{description: "must be a user or group name", check: CheckAccountName, summary: "Invalid name"}
}
