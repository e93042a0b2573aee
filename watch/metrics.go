package watch

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/internal/ctyattr"
	"github.com/spice-harvester/terraform-provider-spice/report"
)

// metrics is what watch exports to Prometheus. Labels are bounded: types,
// provider configurations (hosts), service and policy names and scenarios
// from the configuration, never paths or addresses.
type metrics struct {
	registry       *prometheus.Registry
	objects        *prometheus.GaugeVec
	drifted        *prometheus.GaugeVec
	contested      *prometheus.GaugeVec
	repairs        *prometheus.CounterVec
	failures       *prometheus.CounterVec
	lastReconcile  prometheus.Gauge
	duration       prometheus.Histogram
	configValid    prometheus.Gauge
	hostReachable  *prometheus.GaugeVec
	serviceHealthy *prometheus.GaugeVec
	backupLast     *prometheus.GaugeVec
	backupAge      *prometheus.GaugeVec
	objective      *prometheus.GaugeVec
	objectiveRPO   *prometheus.GaugeVec
	objectiveRTO   *prometheus.GaugeVec
	streaming      *prometheus.GaugeVec
	// objectPairs are the label pairs the object gauges have now.
	objectPairs map[typeHost]bool
}

func newMetrics() *metrics {
	gauge := func(name, help string, labels ...string) *prometheus.GaugeVec {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "spice", Subsystem: "watch", Name: name, Help: help}, labels)
	}
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "spice", Subsystem: "watch", Name: name, Help: help}, labels)
	}
	m := &metrics{
		registry:  prometheus.NewRegistry(),
		objects:   gauge("objects", "Managed objects, by resource type and host.", "type", "host"),
		drifted:   gauge("objects_drifted", "Managed objects that differ from the configuration, by resource type and host.", "type", "host"),
		contested: gauge("objects_contested", "Objects something else keeps changing, left alone until the configuration changes.", "type", "host"),
		repairs:   counter("repairs_total", "Objects repaired, by resource type.", "type"),
		failures:  counter("repair_failures_total", "Repairs that failed, by resource type.", "type"),
		lastReconcile: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "spice", Subsystem: "watch", Name: "last_reconcile_success_timestamp_seconds",
			Help: "When a check of the hosts last completed without error (Unix time)."}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "spice", Subsystem: "watch", Name: "reconcile_duration_seconds",
			Help: "How long a check or a repair took.", Buckets: prometheus.ExponentialBuckets(0.005, 2, 14)}),
		configValid: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "spice", Subsystem: "watch", Name: "config_valid",
			Help: "1 when the configuration on disk loaded; 0 while an invalid edit is ignored and the last good one is in force."}),
		hostReachable:  gauge("host_reachable", "1 when the host answered the last check.", "host"),
		serviceHealthy: gauge("service_healthy", "1 when the service's health check passed at the last check (spice_service healthy).", "host", "service"),
		backupLast:     gauge("backup_last_success_timestamp_seconds", "When the newest complete backup of a policy was taken (Unix time).", "host", "policy"),
		backupAge:      gauge("backup_age_seconds", "Age of the newest complete backup of a policy at the last check.", "host", "policy"),
		objective:      gauge("objective_status", "1 for a recovery objective's current status (met, breached, unknown), 0 for the others.", "host", "scenario", "status"),
		objectiveRPO:   gauge("objective_rpo_seconds", "A recovery objective's RPO: declared, achievable or observed.", "host", "scenario", "kind"),
		objectiveRTO:   gauge("objective_rto_seconds", "A recovery objective's RTO: declared or achievable.", "host", "scenario", "kind"),
		streaming:      gauge("event_stream_up", "1 while a remote host's event stream (spice agent watch over SSH) runs; 0 when the host is only polled.", "host"),
	}
	m.registry.MustRegister(m.objects, m.drifted, m.contested, m.repairs, m.failures, m.lastReconcile, m.duration, m.configValid,
		m.hostReachable, m.serviceHealthy, m.backupLast, m.backupAge, m.objective, m.objectiveRPO, m.objectiveRTO, m.streaming)
	return m
}

// handler serves /metrics and /healthz; healthy says whether the last
// check completed.
func (m *metrics) handler(healthy func() (bool, string)) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		ok, why := healthy()
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_, _ = w.Write([]byte(why + "\n"))
	})
	return mux
}

// setObjects recomputes the per-type, per-host object gauges. Each gauge
// is set in place (a scrape never sees them reset); pairs of type and
// host that are gone are deleted.
func (m *metrics) setObjects(objects map[string]*object) {
	type counts struct{ all, drifted, contested float64 }
	now := map[typeHost]*counts{}
	for _, o := range objects {
		c := now[typeHost{o.typ, o.host}]
		if c == nil {
			c = &counts{}
			now[typeHost{o.typ, o.host}] = c
		}
		c.all++
		c.drifted += boolFloat(o.drifted)
		c.contested += boolFloat(o.contested)
	}
	for p, c := range now {
		m.objects.WithLabelValues(p.typ, p.host).Set(c.all)
		m.drifted.WithLabelValues(p.typ, p.host).Set(c.drifted)
		m.contested.WithLabelValues(p.typ, p.host).Set(c.contested)
	}
	for p := range m.objectPairs {
		if now[p] == nil {
			m.objects.DeleteLabelValues(p.typ, p.host)
			m.drifted.DeleteLabelValues(p.typ, p.host)
			m.contested.DeleteLabelValues(p.typ, p.host)
		}
	}
	m.objectPairs = map[typeHost]bool{}
	for p := range now {
		m.objectPairs[p] = true
	}
}

// typeHost is a pair of label values of the object gauges.
type typeHost struct{ typ, host string }

// setHost records what a check of one host found: reachability, the
// health of its services, its backups and its recovery objectives.
func (m *metrics) setHost(h report.Host, r *report.Report, values map[string]cty.Value, now time.Time) {
	reachable := 0.0
	if h.Reachable {
		reachable = 1
	}
	m.hostReachable.WithLabelValues(h.Name).Set(reachable)
	for _, res := range r.Resources {
		v, ok := values[res.Address]
		if res.Host != h.Name || !ok || typeOf(res.Address) != "spice_service" {
			continue
		}
		if healthy := ctyattr.Get(v, "healthy"); healthy.IsKnown() && !healthy.IsNull() && healthy.Type() == cty.Bool {
			m.serviceHealthy.WithLabelValues(h.Name, ctyattr.String(v, "name")).Set(boolFloat(healthy.True()))
		}
	}
	for addr, v := range values {
		if typeOf(addr) != "spice_backup_policy" || !belongsTo(r, addr, h.Name) {
			continue
		}
		if t, err := time.Parse(time.RFC3339, ctyattr.String(v, "last_success_at")); err == nil {
			policy := ctyattr.String(v, "name")
			m.backupLast.WithLabelValues(h.Name, policy).Set(float64(t.Unix()))
			m.backupAge.WithLabelValues(h.Name, policy).Set(now.Sub(t).Seconds())
		}
	}
	for _, o := range r.Objectives {
		if o.Host != h.Name {
			continue
		}
		for _, s := range []report.Status{report.Met, report.Breached, report.Unknown} {
			m.objective.WithLabelValues(h.Name, o.Scenario, string(s)).Set(boolFloat(o.Status == s))
		}
		for kind, d := range map[string]string{"declared": o.RPO, "achievable": o.AchievableRPO, "observed": o.ObservedRPO} {
			setDuration(m.objectiveRPO, d, h.Name, o.Scenario, kind)
		}
		for kind, d := range map[string]string{"declared": o.RTO, "achievable": o.AchievableRTO} {
			setDuration(m.objectiveRTO, d, h.Name, o.Scenario, kind)
		}
	}
}

func belongsTo(r *report.Report, addr, host string) bool {
	for _, res := range r.Resources {
		if res.Address == addr {
			return res.Host == host
		}
	}
	return false
}

// setDuration sets a gauge to a Go duration in seconds; an unknown
// duration (empty) is left out rather than reported as zero.
func setDuration(g *prometheus.GaugeVec, d string, labels ...string) {
	if v, err := time.ParseDuration(d); err == nil {
		g.WithLabelValues(labels...).Set(v.Seconds())
	} else {
		g.DeleteLabelValues(labels...)
	}
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
