package hosttest

import (
	"bufio"
	"context"
	"net"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// dialReachesTheHostsLoopback echoes a line through a connection the host
// opened to a listener on loopback (this machine's loopback is the host's
// for the implementations the suite runs against), and reports a closed
// port as an error naming the address.
func dialReachesTheHostsLoopback(t *testing.T, h host.Host, _ string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer func() { _ = conn.Close() }()
		line, _ := bufio.NewReader(conn).ReadString('\n')
		_, _ = conn.Write([]byte("echo " + line))
	}()
	conn, err := h.DialContext(context.Background(), "tcp", addr)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	if _, err := conn.Write([]byte("ping\n")); err != nil {
		t.Fatal(err)
	}
	got, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || got != "echo ping\n" {
		t.Fatalf("read back %q, %v; want %q", got, err, "echo ping\n")
	}
	_ = conn.Close()
	_ = ln.Close()

	if _, err := h.DialContext(context.Background(), "tcp", addr); err == nil {
		t.Fatalf("dial %s after its listener closed: no error", addr)
	}
}
