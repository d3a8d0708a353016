// Package metrics holds Threadline's Prometheus metrics: one registry, the
// instruments each part of the server reports to, and the HTTP handler that
// serves them (on a listener of its own, off unless configured).
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the instruments of one server. A nil *Metrics records
// nothing, so components need not check whether metrics are on.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	rateLimited *prometheus.CounterVec
	batch       *prometheus.HistogramVec
	commit      *prometheus.HistogramVec
}

// New returns a registry with Threadline's instruments and Go's own.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "threadline_graphql_requests_total",
		Help: "GraphQL requests by operation (root field, or invalid when refused before validation) and HTTP status.",
	}, []string{"operation", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "threadline_graphql_request_duration_seconds",
		Help:    "Time to answer a GraphQL request, by operation and HTTP status.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
	}, []string{"operation", "status"})
	m.rateLimited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "threadline_rate_limited_total",
		Help: "Requests refused by a rate limit, by limit (api or sign_in).",
	}, []string{"limit"})
	m.batch = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "threadline_store_commit_batch_size",
		Help:    "Writes committed together by one commit of the storage writer (group commit).",
		Buckets: prometheus.ExponentialBuckets(1, 2, 10),
	}, []string{"backend"})
	m.commit = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "threadline_store_commit_duration_seconds",
		Help:    "Time of one commit of the storage writer, durable on return.",
		Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
	}, []string{"backend"})
	m.reg.MustRegister(m.requests, m.latency, m.rateLimited, m.batch, m.commit,
		// The collectors package would bring database/sql with it: these
		// are the same collectors from prometheus itself.
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{})) //nolint:staticcheck

	return m
}

// Handler serves the registry in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Register adds collectors of other parts (database pools, outbox backlog).
func (m *Metrics) Register(cs ...prometheus.Collector) error {
	if m == nil {
		return nil
	}
	for _, c := range cs {
		if err := m.reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// Request records one answered GraphQL request.
func (m *Metrics) Request(operation string, status int, took time.Duration) {
	if m == nil {
		return
	}
	s := statusText(status)
	m.requests.WithLabelValues(operation, s).Inc()
	m.latency.WithLabelValues(operation, s).Observe(took.Seconds())
}

// RateLimited records a request refused by the named limit.
func (m *Metrics) RateLimited(limit string) {
	if m == nil {
		return
	}
	m.rateLimited.WithLabelValues(limit).Inc()
}

// Commit records one commit of a storage writer: how many writes it made
// durable together and how long it took.
func (m *Metrics) Commit(backend string, writes int, took time.Duration) {
	if m == nil {
		return
	}
	m.batch.WithLabelValues(backend).Observe(float64(writes))
	m.commit.WithLabelValues(backend).Observe(took.Seconds())
}

func statusText(code int) string {
	if code < 100 || code > 599 {
		return "other"
	}
	return strconv.Itoa(code)
}

// GaugeFunc registers a gauge read from fn at each scrape.
func (m *Metrics) GaugeFunc(name, help string, fn func() float64) error {
	return m.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, fn))
}

// CounterFunc registers a counter read from fn at each scrape.
func (m *Metrics) CounterFunc(name, help string, fn func() float64) error {
	return m.Register(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, fn))
}
