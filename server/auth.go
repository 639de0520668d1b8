package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/stratbench/stratbench/internal/token"
)

// ReadToken reads a bearer token from path: the file's content with
// surrounding white space removed, at least 16 bytes of printable ASCII (it
// travels in an HTTP/2 header), from a file of at most 4 KiB. Clients read
// their token files under the same rules (token.Read).
func ReadToken(path string) (string, error) { return token.Read(path) }

// errUnauthenticated is the one answer to a missing, malformed or wrong
// token, so that a caller learns nothing about which part was wrong.
var errUnauthenticated = status.Error(codes.Unauthenticated, "missing or invalid bearer token")

// TokenAuth returns interceptors that require `authorization: Bearer TOKEN`
// metadata (the scheme in any case) on every RPC except the health service, comparing tokens in
// constant time.
func TokenAuth(token string) (grpc.UnaryServerInterceptor, grpc.StreamServerInterceptor) {
	ok := bearer(token)
	check := func(ctx context.Context, method string) error {
		if strings.HasPrefix(method, "/"+healthpb.Health_ServiceDesc.ServiceName+"/") {
			return nil
		}
		md, _ := metadata.FromIncomingContext(ctx)
		if !ok(md.Get("authorization")) {
			return errUnauthenticated
		}
		return nil
	}
	unary := func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if err := check(ctx, info.FullMethod); err != nil {
			return nil, err
		}
		return handler(ctx, req)
	}
	stream := func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		if err := check(ss.Context(), info.FullMethod); err != nil {
			return err
		}
		return handler(srv, ss)
	}
	return unary, stream
}

// bearer returns a check that values hold exactly one `Bearer TOKEN` with
// this token, the scheme in any case (RFC 6750, RFC 9110 §11.1), comparing
// in constant time.
func bearer(token string) func(values []string) bool {
	want := sha256.Sum256([]byte(token))
	return func(values []string) bool {
		if len(values) != 1 {
			return false
		}
		scheme, got, ok := strings.Cut(values[0], " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return false
		}
		// Comparing digests keeps the comparison constant-time whatever
		// the length of the presented token.
		sum := sha256.Sum256([]byte(got))
		return subtle.ConstantTimeCompare(sum[:], want[:]) == 1
	}
}
