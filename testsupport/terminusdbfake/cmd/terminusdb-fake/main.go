// Command terminusdb-fake serves the FAKE TerminusDB of package
// terminusdbfake, for tests that need it inside a test container, on the
// container's own loopback. The admin password is read from the
// environment (TERMINUSDB_ADMIN_PASS, as TerminusDB's own server reads
// it) so that it never shows in a process list.
package main

import (
	"flag"
	"log"
	"net/http"
	"os"

	"github.com/spice-harvester/terraform-provider-spice/testsupport/terminusdbfake"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:6363", "address to listen on")
	flag.Parse()
	srv := &http.Server{Addr: *listen, Handler: terminusdbfake.New(os.Getenv("TERMINUSDB_ADMIN_PASS"))}
	log.Fatal(srv.ListenAndServe())
}
