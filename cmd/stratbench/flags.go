package main

import (
	"errors"
	"flag"
	"fmt"
)

// parseFlags is how every subcommand parses its command line: it parses args
// with fs, accepting flags after the positional arguments too (`compare A B
// --out DIR`), and returns the positional arguments in order. After "--"
// every argument is positional. A bad flag is a usageError (exit status 2);
// -h and --help give flag.ErrHelp (exit status 0).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err}
		}
		// fs.Parse stops at the first positional argument, or just after a
		// "--", which it consumes.
		next := len(args) - fs.NArg()
		if next > 0 && args[next-1] == "--" {
			return append(rest, fs.Args()...), nil
		}
		if fs.NArg() == 0 {
			return rest, nil
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// parseFlagsOnly is parseFlags for a subcommand that takes no positional
// argument: one is a usageError.
func parseFlagsOnly(fs *flag.FlagSet, args []string) error {
	rest, err := parseFlags(fs, args)
	if err == nil && len(rest) > 0 {
		err = usageError{fmt.Errorf("unexpected argument %q", rest[0])}
	}
	return err
}
