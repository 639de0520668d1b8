package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/stratbench/stratbench/hostinfo"
	"github.com/stratbench/stratbench/server"
	"github.com/stratbench/stratbench/workload"
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
	printAddr := fs.Bool("print-addr", false, "print the bound address as one line on stdout once serving")
	rounds := fs.Int("calibration-rounds", 9, "rounds of ~5 ms timing the CPU kernel at start-up")
	tlsCert := fs.String("tls-cert", "", "PEM certificate: serve TLS (with --tls-key)")
	tlsKey := fs.String("tls-key", "", "PEM private key of --tls-cert")
	tlsClientCA := fs.String("tls-client-ca", "", "PEM CA bundle: require client certificates signed by it (mutual TLS)")
	tokenFile := fs.String("token-file", "", "file holding a bearer token (≥ 16 bytes) required for Run and Info; health stays open")
	insecureFlag := fs.Bool("insecure", false, "allow a non-loopback --addr without TLS and a token (trusted networks only; see SECURITY.md)")
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
	var opts []grpc.ServerOption
	if *tlsCert != "" {
		cfg, err := server.TLSConfig(*tlsCert, *tlsKey, *tlsClientCA)
		if err != nil {
			return err
		}
		opts = append(opts, grpc.Creds(credentials.NewTLS(cfg)))
	}
	if *tokenFile != "" {
		tok, err := server.ReadToken(*tokenFile)
		if err != nil {
			return err
		}
		unary, stream := server.TokenAuth(tok)
		opts = append(opts, grpc.UnaryInterceptor(unary), grpc.StreamInterceptor(stream))
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))

	ns := workload.Calibrate(*rounds)
	info := server.Fingerprint(ns)
	svc := server.New(limits, info)
	gs, hs := server.NewGRPCServer(svc, limits, opts...)
	lis, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", *addr, err)
	}
	log.Info("stratbench serving", "addr", lis.Addr().String(), "version", hostinfo.Version(),
		"limits", limits.String(), "ns_per_iteration", fmt.Sprintf("%.1f", ns),
		"gomaxprocs", info.Gomaxprocs, "cpu", info.CpuModel, "grace", *grace,
		"tls", *tlsCert != "", "mtls", *tlsClientCA != "", "token", *tokenFile != "")
	if *printAddr {
		fmt.Fprintln(stdout, lis.Addr().String())
	}
	return server.Serve(ctx, lis, gs, hs, svc, *grace, log)
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
