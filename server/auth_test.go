package server_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/server"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
)

const token = "0123456789abcdef-secret"

func TestTokenAuth(t *testing.T) {
	l := server.DefaultLimits()
	svc := server.New(l, server.Fingerprint(1))
	unary, stream := server.TokenAuth(token)
	gs, _ := server.NewGRPCServer(svc, l, grpc.UnaryInterceptor(unary), grpc.StreamInterceptor(stream))
	lis := bufconn.Listen(1 << 16)
	done := make(chan struct{})
	go func() { defer close(done); _ = gs.Serve(lis) }()
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { conn.Close(); gs.Stop(); <-done; svc.Close() }()
	c := pb.NewBenchServiceClient(conn)
	for _, tc := range []struct {
		name string
		md   []string
		want codes.Code
	}{
		{"none", nil, codes.Unauthenticated},
		{"wrong", []string{"authorization", "Bearer nope"}, codes.Unauthenticated},
		{"no scheme", []string{"authorization", token}, codes.Unauthenticated},
		{"prefix of token", []string{"authorization", "Bearer " + token[:10]}, codes.Unauthenticated},
		{"twice", []string{"authorization", "Bearer " + token, "authorization", "Bearer " + token}, codes.Unauthenticated},
		{"right", []string{"authorization", "Bearer " + token}, codes.OK},
		{"scheme lower case", []string{"authorization", "bearer " + token}, codes.OK},
		{"scheme upper case", []string{"authorization", "BEARER " + token}, codes.OK},
		{"other scheme", []string{"authorization", "Basic " + token}, codes.Unauthenticated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := metadata.AppendToOutgoingContext(t.Context(), tc.md...)
			_, err := c.Info(ctx, &pb.InfoRequest{})
			if status.Code(err) != tc.want {
				t.Errorf("Info: %v, want %v", err, tc.want)
			}
			_, err = c.Stats(ctx, &pb.StatsRequest{})
			if status.Code(err) != tc.want {
				t.Errorf("Stats: %v, want %v", err, tc.want)
			}
			if _, err = profileOnce(ctx, c, pb.ProfileKind_PROFILE_KIND_HEAP, func() {}); status.Code(err) != tc.want {
				t.Errorf("Profile: %v, want %v", err, tc.want)
			}
			_, err = c.Run(ctx, &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_SERIAL, Workload: pb.Workload_WORKLOAD_CPU, Tasks: 1})
			if status.Code(err) != tc.want {
				t.Errorf("Run: %v, want %v", err, tc.want)
			}
			if tc.want != codes.OK && !strings.Contains(status.Convert(err).Message(), "missing or invalid bearer token") {
				t.Errorf("message %q reveals more than it should", status.Convert(err).Message())
			}
		})
	}
	h, err := healthpb.NewHealthClient(conn).Check(t.Context(), &healthpb.HealthCheckRequest{})
	if err != nil || h.Status != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("health without a token: %v %v", h, err)
	}
}

func TestReadToken(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	short := filepath.Join(dir, "short")
	os.WriteFile(good, []byte("  "+token+"\n"), 0o600)
	os.WriteFile(short, []byte("abc\n"), 0o600)
	if tok, err := server.ReadToken(good); err != nil || tok != token {
		t.Errorf("ReadToken = %q, %v", tok, err)
	}
	if _, err := server.ReadToken(short); err == nil || !strings.Contains(err.Error(), "at least 16") {
		t.Errorf("short token: %v", err)
	}
	if _, err := server.ReadToken(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file accepted")
	}
}

func TestCheckExposure(t *testing.T) {
	for _, tc := range []struct {
		addr                     string
		tls, token, insecure, ok bool
	}{
		{"127.0.0.1:50051", false, false, false, true},
		{"[::1]:0", false, false, false, true},
		{"localhost:1", false, false, false, true},
		{":50051", false, false, false, false},
		{"0.0.0.0:50051", true, false, false, false},
		{"0.0.0.0:50051", false, true, false, false},
		{"0.0.0.0:50051", true, true, false, true},
		{"0.0.0.0:50051", false, false, true, true},
		{"example.com:1", true, true, false, true},
	} {
		err := server.CheckExposure(tc.addr, tc.tls, tc.token, tc.insecure)
		if (err == nil) != tc.ok {
			t.Errorf("CheckExposure(%q, tls=%v, token=%v, insecure=%v) = %v", tc.addr, tc.tls, tc.token, tc.insecure, err)
		}
		if err != nil && !strings.Contains(err.Error(), "--insecure") {
			t.Errorf("error %q does not say how to proceed", err)
		}
	}
}
