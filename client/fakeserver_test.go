package client_test

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/test/bufconn"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// fakeConns is how many connections startFake returns.
const fakeConns = 4

// fakeInfo is the InfoResponse of every fake server.
var fakeInfo = &pb.InfoResponse{
	Hostname: "fakehost", Os: "linux", Arch: "amd64", CpuModel: "Fake CPU", LogicalCpus: 8,
	Gomaxprocs: 8, GoVersion: "go1.26.8", GrpcVersion: grpc.Version, NsPerIteration: 250,
}

// fakeBench is a BenchService whose Run is a test's handler.
type fakeBench struct {
	pb.UnimplementedBenchServiceServer
	run func(context.Context, *pb.RunRequest) (*pb.RunResponse, error)
}

func (f *fakeBench) Run(ctx context.Context, req *pb.RunRequest) (*pb.RunResponse, error) {
	return f.run(ctx, req)
}

func (f *fakeBench) Info(context.Context, *pb.InfoRequest) (*pb.InfoResponse, error) {
	return fakeInfo, nil
}

// startFake serves a BenchService whose Run calls handler, over an
// in-memory bufconn listener, and returns fakeConns connections to it. The
// handler must return once its context ends. Cleanup closes the
// connections and stops the server, waiting for every handler.
func startFake(t testing.TB, handler func(context.Context, *pb.RunRequest) (*pb.RunResponse, error)) []grpc.ClientConnInterface {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(grpc.WaitForHandlers(true))
	pb.RegisterBenchServiceServer(srv, &fakeBench{run: handler})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	conns := make([]grpc.ClientConnInterface, fakeConns)
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

// fakeServeEnv, when set, makes the test binary run fakeServe instead of
// the tests.
const fakeServeEnv = "STRATBENCH_CLIENT_TEST_FAKE_SERVE"

// fakeServe imitates `stratbench serve --addr A --print-addr`: it serves
// an empty RunResponse to every Run, and health, on 127.0.0.1, prints the
// bound address once serving, and stops on SIGTERM or SIGINT. --exit-early
// makes it fail before printing anything.
func fakeServe(args []string) int {
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
	pb.RegisterBenchServiceServer(srv, &fakeBench{run: func(context.Context, *pb.RunRequest) (*pb.RunResponse, error) {
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
