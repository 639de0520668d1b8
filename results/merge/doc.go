// Package merge combines the result folders of load clients that ran the
// same cells against one server at the same time: [Clients] merges each
// trial's histograms exactly and sums its counts into one row, and
// [WriteFolder] writes the merged folder (results.csv, hist/, hosts.json).
//
// It imports histogram, record and internal/atomicfile of the project;
// never gRPC, the client or the server.
package merge
