// Package layout holds no code: its test checks, with go list, the import
// rules every package doc states: strategies and workload never import
// gRPC; no results package imports client, server or gRPC; only
// results/report imports html/template; the sweep never imports server.
package layout
