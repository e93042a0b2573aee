// Command terraform-provider-spice is one binary with two faces: started by
// Terraform or OpenTofu it serves the spice provider over plugin protocol
// v6; started by a person (usually as "spice") it is the spice CLI.
package main

import (
	"context"
	"flag"
	"io"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/spice-harvester/terraform-provider-spice/cli"
	"github.com/spice-harvester/terraform-provider-spice/provider"
	"github.com/spice-harvester/terraform-provider-spice/version"
)

// pluginCookieEnv is set by Terraform and OpenTofu when they start a plugin
// (go-plugin's handshake); people never have it in their environment.
const pluginCookieEnv = "TF_PLUGIN_MAGIC_COOKIE"

func main() {
	if os.Getenv(pluginCookieEnv) == "" && !debugRequested(os.Args[1:]) {
		os.Exit(cli.Run(os.Args[1:], version.Version, os.Stdin, os.Stdout, os.Stderr))
	}
	err := providerserver.Serve(context.Background(), provider.New(version.Version), providerserver.ServeOpts{
		Address: provider.Address,
		Debug:   debugRequested(os.Args[1:]),
	})
	if err != nil {
		log.Fatal(err)
	}
}

// debugRequested reports -debug, which starts the provider for a debugger
// (TF_REATTACH_PROVIDERS) as in every framework provider.
func debugRequested(args []string) bool {
	fs := flag.NewFlagSet("provider", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	debug := fs.Bool("debug", false, "")
	return fs.Parse(args) == nil && *debug
}
