package server

import (
	"net/http"
	"net/http/pprof"

	"github.com/threadline/threadline/internal/metrics"
)

// Debug returns the handler of the operator's listener (--metrics-addr):
// Prometheus metrics at /metrics and, when the listener is on loopback,
// Go's profiler at /debug/pprof/.
func Debug(m *metrics.Metrics, loopback bool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	if loopback {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	return mux
}
