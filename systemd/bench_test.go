package systemd_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/health"
	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/systemd"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// startHTTPService installs and starts a python http.server serving /health
// on port with the given Restart= and RestartSec=.
func startHTTPService(b *testing.B, h host.Host, th *testhosts.Host, unit string, port int, restartDelay time.Duration) {
	ctx := context.Background()
	th.Exec(b, "sh", "-c", "mkdir -p /srv/bench && echo ok > /srv/bench/health")
	var u systemd.Unit
	// No start rate limit: the benchmark crashes the service many times
	// in a row, which systemd's default (5 starts in 10s) would stop.
	u.Add("Unit", "StartLimitIntervalSec", "0")
	u.Add("Service", "ExecStart", fmt.Sprintf("/usr/bin/python3 -m http.server %d --bind 127.0.0.1 --directory /srv/bench", port))
	u.Add("Service", "Restart", "always")
	u.Add("Service", "RestartSec", systemd.TimeSpan(restartDelay))
	content, err := u.Render()
	if err != nil {
		b.Fatal(err)
	}
	m := systemd.NewManager(h)
	if _, err := m.WriteUnit(ctx, unit, content); err != nil {
		b.Fatal(err)
	}
	if err := m.Reload(ctx); err != nil {
		b.Fatal(err)
	}
	if err := m.Restart(ctx, unit); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkServiceCrashRecovery measures the manual's "service crash"
// scenario with Restart=always: from kill -9 of the main process until
// the service answers /health with 200 again (a new main process),
// probed from the host over SSH every 10ms.
func BenchmarkServiceCrashRecovery(b *testing.B) {
	h, th := containerHost(b)
	ctx := context.Background()
	for i, restartDelay := range []time.Duration{time.Second, 100 * time.Millisecond} {
		b.Run("restart_sec="+restartDelay.String(), func(b *testing.B) {
			unit := fmt.Sprintf("spice-crash-%d.service", i)
			port := 8100 + i
			url := "http://127.0.0.1:" + strconv.Itoa(port) + "/health"
			startHTTPService(b, h, th, unit, port, restartDelay)
			if _, err := health.Wait(ctx, h, health.Check{URL: url, ExpectStatus: 200, Timeout: time.Second, Interval: 10 * time.Millisecond, StartPeriod: 10 * time.Second}, nil); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				before, err := systemd.Show(ctx, h, unit)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := h.Run(ctx, host.Command{Argv: []string{"kill", "-9", strconv.Itoa(before.MainPID)}}); err != nil {
					b.Fatal(err)
				}
				for deadline := time.Now().Add(30 * time.Second); ; {
					if time.Now().After(deadline) {
						b.Fatalf("%s not healthy 30s after kill -9", unit)
					}
					if health.Probe(ctx, h, url, time.Second).Healthy(200) {
						after, err := systemd.Show(ctx, h, unit)
						if err != nil {
							b.Fatal(err)
						}
						if after.MainPID != before.MainPID && after.MainPID != 0 {
							break
						}
					}
					time.Sleep(10 * time.Millisecond)
				}
			}
		})
	}
}

// BenchmarkConvergedRefresh is what refreshing one spice_service costs
// over SSH: one systemctl show and the unit file read, side by side.
func BenchmarkConvergedRefresh(b *testing.B) {
	h, th := containerHost(b)
	ctx := context.Background()
	unit := "spice-refresh.service"
	startHTTPService(b, h, th, unit, 8200, time.Second)
	b.ResetTimer()
	for b.Loop() {
		done := make(chan error, 1)
		go func() {
			_, err := systemd.Show(ctx, h, unit)
			done <- err
		}()
		if _, _, err := systemd.ReadUnit(ctx, h, unit); err != nil {
			b.Fatal(err)
		}
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}
}
