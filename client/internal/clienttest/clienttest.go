// Package clienttest holds the test servers the client and sweep tests
// share: a fake BenchService over bufconn whose Run is the test's handler,
// the real server over bufconn, and a fake `stratbench serve` process for
// the LocalServer tests. Only tests import it.
package clienttest

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/test/bufconn"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/server"
)

// Conns is how many connections StartFake returns.
const Conns = 4

// Info is the InfoResponse of every fake server.
var Info = &pb.InfoResponse{
	Hostname: "fakehost", Os: "linux", Arch: "amd64", CpuModel: "Fake CPU", LogicalCpus: 8,
	Gomaxprocs: 8, GoVersion: "go1.26.8", GrpcVersion: grpc.Version, NsPerIteration: 250,
}

// bench is a BenchService whose Run is a test's handler.
type bench struct {
	pb.UnimplementedBenchServiceServer
	run func(context.Context, *pb.RunRequest) (*pb.RunResponse, error)
}

func (f *bench) Run(ctx context.Context, req *pb.RunRequest) (*pb.RunResponse, error) {
	return f.run(ctx, req)
}

func (f *bench) Info(context.Context, *pb.InfoRequest) (*pb.InfoResponse, error) {
	return Info, nil
}

// StartFake serves a BenchService whose Run calls handler, over an
// in-memory bufconn listener, and returns Conns connections to it. The
// handler must return once its context ends. Cleanup closes the
// connections and stops the server, waiting for every handler.
func StartFake(t testing.TB, handler func(context.Context, *pb.RunRequest) (*pb.RunResponse, error)) []grpc.ClientConnInterface {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(grpc.WaitForHandlers(true))
	pb.RegisterBenchServiceServer(srv, &bench{run: handler})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	conns := make([]grpc.ClientConnInterface, Conns)
	var ccs []*grpc.ClientConn
	for i := range conns {
		cc, err := grpc.NewClient("passthrough:///bufnet",
			grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
			grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatalf("dial bufconn: %v", err)
		}
		conns[i] = cc
		ccs = append(ccs, cc)
	}
	t.Cleanup(func() {
		for _, cc := range ccs {
			_ = cc.Close()
		}
		srv.Stop()
		if err := <-served; err != nil {
			t.Errorf("fake server: %v", err)
		}
	})
	return conns
}

// ServeEnv, when set, makes the test binary run Serve instead of
// the tests.
const ServeEnv = "STRATBENCH_CLIENT_TEST_FAKE_SERVE"

// Serve imitates `stratbench serve --addr A --print-addr`: it serves
// an empty RunResponse to every Run, and health, on 127.0.0.1, prints the
// bound address once serving, and stops on SIGTERM or SIGINT. --exit-early
// makes it fail before printing anything.
func Serve(args []string) int {
	if len(args) == 0 || args[0] != "serve" {
		fmt.Fprintf(os.Stderr, "fake serve: want the serve subcommand, got %q\n", args)
		return 2
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	printAddr := fs.Bool("print-addr", false, "print the bound address")
	exitEarly := fs.Bool("exit-early", false, "fail at once")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *exitEarly {
		fmt.Fprintln(os.Stderr, "fake serve: failing early as asked")
		return 3
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	lis, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fake serve:", err)
		return 1
	}
	srv := grpc.NewServer()
	empty := &pb.RunResponse{}
	pb.RegisterBenchServiceServer(srv, &bench{run: func(context.Context, *pb.RunRequest) (*pb.RunResponse, error) {
		return empty, nil
	}})
	hs := health.NewServer()
	healthpb.RegisterHealthServer(srv, hs)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	if *printAddr {
		fmt.Println(lis.Addr().String())
	}
	select {
	case <-ctx.Done():
		srv.GracefulStop()
		<-served
		return 0
	case err := <-served:
		fmt.Fprintln(os.Stderr, "fake serve:", err)
		return 1
	}
}

// StartRealServer serves the real BenchService (the server package, with
// its default limits) over an in-memory bufconn listener and returns one
// connection to it and its Info. Cleanup stops the server and waits for
// its jobs.
func StartRealServer(t testing.TB) ([]grpc.ClientConnInterface, *pb.InfoResponse) {
	t.Helper()
	l := server.DefaultLimits()
	svc := server.New(l, &pb.InfoResponse{Hostname: "bufconn", Gomaxprocs: uint32(runtime.GOMAXPROCS(0)), NsPerIteration: 250})
	gs, _ := server.NewGRPCServer(svc, l)
	lis := bufconn.Listen(1 << 20)
	served := make(chan error, 1)
	go func() { served <- gs.Serve(lis) }()
	cc, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("dial bufconn: %v", err)
	}
	t.Cleanup(func() {
		_ = cc.Close()
		gs.Stop()
		svc.Close()
		if err := <-served; err != nil {
			t.Errorf("server: %v", err)
		}
	})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	info, err := pb.NewBenchServiceClient(cc).Info(ctx, &pb.InfoRequest{})
	if err != nil {
		t.Fatalf("Info: %v", err)
	}
	return []grpc.ClientConnInterface{cc}, info
}
