package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/stratbench/stratbench/hostinfo"
	"github.com/stratbench/stratbench/internal/token"
	"github.com/stratbench/stratbench/server"
	"github.com/stratbench/stratbench/workload"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// serveCmd runs the server until ctx ends (SIGINT, SIGTERM), then shuts down
// gracefully and returns nil.
func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:50051", "address to listen on (host:port; port 0 picks a free one)")
	grace := fs.Duration("grace", 10*time.Second, "on SIGINT/SIGTERM, how long running jobs may take to finish before they are cancelled")
	printAddr := fs.Bool("print-addr", false, "print the bound address as one line on stdout once serving (and the --metrics-addr one as a second line)")
	rounds := fs.Int("calibration-rounds", 9, "rounds of ~5 ms timing the CPU kernel at start-up")
	tlsCert := fs.String("tls-cert", "", "PEM certificate: serve TLS (with --tls-key)")
	tlsKey := fs.String("tls-key", "", "PEM private key of --tls-cert")
	tlsClientCA := fs.String("tls-client-ca", "", "PEM CA bundle: require client certificates signed by it (mutual TLS)")
	tokenFile := fs.String("token-file", "", "file holding a bearer token (≥ 16 bytes) required for Run, Info, Stats and Profile; health stays open")
	insecureFlag := fs.Bool("insecure", false, "allow a non-loopback --addr or --metrics-addr without TLS and a token (trusted networks only; see SECURITY.md)")
	metricsAddr := fs.String("metrics-addr", "", "serve Prometheus /metrics on this address (host:port; off when empty); the same TLS, token and loopback rules as --addr")
	limits := server.DefaultLimits()
	limits.RegisterFlags(fs)
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	if err := checkServeFlags(limits, *grace, *rounds); err != nil {
		return usageError{err}
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return usageError{fmt.Errorf("--tls-cert and --tls-key go together")}
	}
	if *tlsClientCA != "" && *tlsCert == "" {
		return usageError{fmt.Errorf("--tls-client-ca needs --tls-cert and --tls-key")}
	}
	if err := server.CheckExposure(*addr, *tlsCert != "", *tokenFile != "", *insecureFlag); err != nil {
		return usageError{err}
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if *metricsAddr != "" {
		if err := server.CheckExposureOf("--metrics-addr", *metricsAddr, *tlsCert != "", *tokenFile != "", *insecureFlag); err != nil {
			return usageError{err}
		}
	}
	ns := workload.Calibrate(*rounds)
	info := server.Fingerprint(ns)
	svc := server.New(limits, info)
	var metrics *server.Metrics
	var opts []grpc.ServerOption
	if *metricsAddr != "" {
		// First, so that calls the token refuses are counted too.
		metrics = server.NewMetrics(svc)
		opts = append(opts, metrics.ServerOptions()...)
	}
	var tlsCfg *tls.Config
	if *tlsCert != "" {
		cfg, err := server.TLSConfig(*tlsCert, *tlsKey, *tlsClientCA)
		if err != nil {
			return err
		}
		tlsCfg = cfg
		opts = append(opts, grpc.Creds(credentials.NewTLS(cfg)))
	}
	var tok string
	if *tokenFile != "" {
		var err error
		if tok, err = server.ReadToken(*tokenFile); err != nil {
			return err
		}
		if who, err := token.Exposed(*tokenFile); err != nil {
			return err
		} else if who != "" {
			log.Warn("the bearer token is readable by others: " + who)
		}
		unary, stream := server.TokenAuth(tok)
		opts = append(opts, grpc.ChainUnaryInterceptor(unary), grpc.ChainStreamInterceptor(stream))
	}

	gs, hs := server.NewGRPCServer(svc, limits, opts...)
	lis, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", *addr, err)
	}
	lis = server.LimitListener(lis, limits.MaxConnections)
	var mlis net.Listener
	if metrics != nil {
		metrics.Init(gs)
		if mlis, err = net.Listen("tcp", *metricsAddr); err != nil {
			lis.Close()
			return fmt.Errorf("--metrics-addr %s: %w", *metricsAddr, err)
		}
	}
	log.Info("stratbench serving", "addr", lis.Addr().String(), "version", hostinfo.Version(),
		"limits", limits.String(), "ns_per_iteration", fmt.Sprintf("%.1f", ns),
		"gomaxprocs", info.Gomaxprocs, "cpu", info.CpuModel, "grace", *grace,
		"tls", *tlsCert != "", "mtls", *tlsClientCA != "", "token", *tokenFile != "")
	if *printAddr {
		fmt.Fprintln(stdout, lis.Addr().String())
	}
	if metrics == nil {
		return server.Serve(ctx, lis, gs, hs, svc, *grace, log)
	}
	log.Info("stratbench metrics", "addr", mlis.Addr().String(), "path", "/metrics", "tls", tlsCfg != nil, "token", tok != "")
	if *printAddr {
		fmt.Fprintln(stdout, mlis.Addr().String())
	}
	// /metrics stays up through the grace period and stops once the gRPC
	// server has; a failing metrics listener stops the gRPC server.
	g, gctx := errgroup.WithContext(ctx)
	mctx, stopMetrics := context.WithCancel(context.Background())
	defer stopMetrics()
	g.Go(func() error {
		defer stopMetrics()
		return server.Serve(gctx, lis, gs, hs, svc, *grace, log)
	})
	g.Go(func() error { return server.ServeMetrics(mctx, mlis, metrics.Handler(tok), tlsCfg) })
	return g.Wait()
}

// checkServeFlags rejects limits that cannot work.
func checkServeFlags(l server.Limits, grace time.Duration, rounds int) error {
	switch {
	case l.MaxTasks < 1:
		return fmt.Errorf("--max-tasks is 0; must be at least 1")
	case l.MaxParallelism < 1:
		return fmt.Errorf("--max-parallelism is 0; must be at least 1")
	case l.MaxTasksInFlight < 1:
		return fmt.Errorf("--max-tasks-in-flight is %d; must be at least 1", l.MaxTasksInFlight)
	case l.MaxJobsInFlight < 1:
		return fmt.Errorf("--max-jobs is %d; must be at least 1", l.MaxJobsInFlight)
	case l.MaxCPUInFlight <= 0:
		return fmt.Errorf("--max-cpu-in-flight is %v; must be positive", l.MaxCPUInFlight)
	case l.MaxMemoryInFlight < 1:
		return fmt.Errorf("--max-memory-in-flight is 0; must be at least 1")
	case l.MaxJobDuration <= 0:
		return fmt.Errorf("--max-job-duration is %v; must be positive", l.MaxJobDuration)
	case l.MaxConnections < 1:
		return fmt.Errorf("--max-connections is %d; must be at least 1", l.MaxConnections)
	case l.MaxHeaderListBytes < 1024:
		return fmt.Errorf("--max-header-bytes is %d; must be at least 1024", l.MaxHeaderListBytes)
	case l.MaxSharedWorkers < 0:
		return fmt.Errorf("--max-shared-workers is %d; must not be negative", l.MaxSharedWorkers)
	case l.SharedIdle <= 0:
		return fmt.Errorf("--shared-idle is %v; must be positive", l.SharedIdle)
	case l.MaxSharedStrategies < 0:
		return fmt.Errorf("--max-shared-strategies is %d; must not be negative", l.MaxSharedStrategies)
	case l.MaxConcurrentStreams < 1:
		return fmt.Errorf("--max-streams is 0; must be at least 1")
	case l.MaxRecvBytes < 1024:
		return fmt.Errorf("--max-recv-bytes is %d; must be at least 1024", l.MaxRecvBytes)
	case l.MaxIOLatency < 0:
		return fmt.Errorf("--max-io-latency is %v; must not be negative", l.MaxIOLatency)
	case grace < 0:
		return fmt.Errorf("--grace is %v; must not be negative", grace)
	case rounds < 1 || rounds > 1000:
		return fmt.Errorf("--calibration-rounds is %d; must be from 1 to 1000", rounds)
	}
	return nil
}

func versionLine() string {
	f := hostinfo.Collect()
	return fmt.Sprintf("stratbench %s (%s, grpc-go %s, %s/%s)", f.StratbenchVersion, f.GoVersion, f.GRPCVersion, f.OS, f.Arch)
}
