package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Handler returns the HTTP handler serving m at /metrics, in the OpenMetrics
// format when the scraper asks for it (Prometheus does) and the text format
// otherwise. When token is not empty, a request without the header
// `Authorization: Bearer TOKEN` gets 401 and no metrics. Any other path is
// 404.
func (m *Metrics) Handler(token string) http.Handler {
	var h http.Handler = promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{
		EnableOpenMetrics: true,
		// Bounds the cost of a flood of scrapes.
		MaxRequestsInFlight: 4,
		Timeout:             10 * time.Second,
	})
	if token != "" {
		ok := bearer(token)
		inner := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !ok(r.Header.Values("Authorization")) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="stratbench"`)
				http.Error(w, "missing or invalid bearer token", http.StatusUnauthorized)
				return
			}
			inner.ServeHTTP(w, r)
		})
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	return mux
}

// ServeMetrics serves h over HTTP on lis (HTTPS when cfg is not nil) until
// ctx is done, then closes the listener and waits up to 5 s for scrapes in
// progress. It returns nil after a shutdown caused by ctx and the listener's
// error if serving failed.
func ServeMetrics(ctx context.Context, lis net.Listener, h http.Handler, cfg *tls.Config) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
	served := make(chan error, 1)
	if cfg != nil {
		srv.TLSConfig = cfg.Clone()
		// The certificates are in cfg, so no file names.
		go func() { served <- srv.ServeTLS(lis, "", "") }()
	} else {
		go func() { served <- srv.Serve(lis) }()
	}
	select {
	case err := <-served:
		return fmt.Errorf("metrics %s: %w", lis.Addr(), err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdown)
	if serr := <-served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("metrics %s: %w", lis.Addr(), serr)
	}
	if err != nil {
		return fmt.Errorf("metrics %s: shutdown: %w", lis.Addr(), err)
	}
	return nil
}
