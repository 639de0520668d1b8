package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/stratbench/stratbench/hostinfo"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// infoCmd implements `stratbench info`: it prints the server's fingerprint,
// limits and calibration, and this client's fingerprint, as a table or, with
// --json, as {"server": InfoResponse in protobuf JSON, "client":
// Fingerprint}.
func infoCmd(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("info", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: stratbench info [flags]\n\nPrints the server's and this client's host fingerprints and the server's limits.")
		fs.PrintDefaults()
	}
	var conn connFlags
	conn.register(fs)
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	s, err := conn.connect(ctx, stderr)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := s.Close(); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()
	if *asJSON {
		return writeInfoJSON(stdout, s.Info, s.Client)
	}
	return writeInfo(stdout, s.Target, s.Info, s.Client)
}

// writeInfoJSON writes server and client as one indented JSON object.
func writeInfoJSON(w io.Writer, server *pb.InfoResponse, client hostinfo.Fingerprint) error {
	raw, err := protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true}.Marshal(server)
	if err != nil {
		return fmt.Errorf("encode the server's info: %w", err)
	}
	var compact bytes.Buffer // protojson's spacing is deliberately unstable
	if err := json.Compact(&compact, raw); err != nil {
		return fmt.Errorf("encode the server's info: %w", err)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Server json.RawMessage      `json:"server"`
		Client hostinfo.Fingerprint `json:"client"`
	}{compact.Bytes(), client})
}

// writeInfo writes server and client side by side as a table.
func writeInfo(w io.Writer, target string, server *pb.InfoResponse, client hostinfo.Fingerprint) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	quota := func(q float64) string {
		if q <= 0 {
			return "none"
		}
		return strconv.FormatFloat(q, 'g', -1, 64)
	}
	gib := func(b uint64) string { return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30)) }
	fmt.Fprintf(tw, "\tserver (%s)\tclient\n", target)
	for _, r := range [][3]string{
		{"host", server.GetHostname(), client.Hostname},
		{"os/arch", server.GetOs() + "/" + server.GetArch(), client.OS + "/" + client.Arch},
		{"cpu model", server.GetCpuModel(), client.CPUModel},
		{"logical cpus", strconv.Itoa(int(server.GetLogicalCpus())), strconv.Itoa(client.LogicalCPUs)},
		{"gomaxprocs", strconv.Itoa(int(server.GetGomaxprocs())), strconv.Itoa(client.GOMAXPROCS)},
		{"cgroup cpu quota", quota(server.GetCgroupCpuQuota()), quota(client.CgroupCPUQuota)},
		{"memory", gib(server.GetTotalMemoryBytes()), gib(client.TotalMemoryBytes)},
		{"go", server.GetGoVersion(), client.GoVersion},
		{"grpc-go", server.GetGrpcVersion(), client.GRPCVersion},
		{"stratbench", server.GetStratbenchVersion(), client.StratbenchVersion},
	} {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r[0], r[1], r[2])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\nns per cpu iteration\t%s\n", strconv.FormatFloat(server.GetNsPerIteration(), 'f', 1, 64))
	l := server.GetLimits()
	for _, r := range [][2]string{
		{"max tasks", strconv.FormatUint(uint64(l.GetMaxTasks()), 10)},
		{"max cpu iterations", strconv.FormatUint(l.GetMaxCpuIterations(), 10)},
		{"max total iterations", strconv.FormatUint(l.GetMaxTotalIterations(), 10)},
		{"max io latency", l.GetMaxIoLatency().AsDuration().String()},
		{"max parallelism", strconv.FormatUint(uint64(l.GetMaxParallelism()), 10)},
		{"max accounts", strconv.FormatUint(uint64(l.GetMaxAccounts()), 10)},
		{"max jobs in flight", strconv.FormatUint(uint64(l.GetMaxJobsInFlight()), 10)},
		{"max concurrent streams", strconv.FormatUint(uint64(l.GetMaxConcurrentStreams()), 10)},
		{"max recv bytes", strconv.FormatUint(uint64(l.GetMaxRecvBytes()), 10)},
	} {
		fmt.Fprintf(tw, "%s\t%s\n", r[0], r[1])
	}
	return tw.Flush()
}
