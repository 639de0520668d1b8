package main

import (
	"flag"

	"github.com/stratbench/stratbench/client"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// profileFlag is --profile: the kind of server profile to record over each
// trial's measured window; PROFILE_KIND_UNSPECIFIED (the default) records
// none.
type profileFlag struct{ kind pb.ProfileKind }

func (p *profileFlag) register(fs *flag.FlagSet) {
	fs.Var(p, "profile", "record a server profile over each trial's measured window: cpu, heap, mutex or block (off by default; saved beside the histograms as profiles/CELL-tN.KIND.pb.gz)")
}

// String returns the flag's word, "" when off.
func (p *profileFlag) String() string {
	if p == nil || p.kind == pb.ProfileKind_PROFILE_KIND_UNSPECIFIED {
		return ""
	}
	return client.ProfileKindWord(p.kind)
}

// Set parses a profile kind's word.
func (p *profileFlag) Set(word string) error {
	k, err := client.ParseProfileKind(word)
	if err != nil {
		return err
	}
	p.kind = k
	return nil
}
