package hostinfo

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ParseCPUModel returns the processor model named in r, which holds text in
// the format of Linux's /proc/cpuinfo.
//
// It uses the first field found in this order: "model name" (x86, and 32-bit
// ARM), "Processor" (older ARM kernels), "CPU implementer" with "CPU part"
// (arm64; a known part is named, such as "ARM Neoverse-N1", and distinct
// parts of a heterogeneous system are joined with " + "), then "Hardware"
// (the SoC name). Keys are case-sensitive, so the lowercase "processor" index
// line is not a model. It returns an error when r cannot be read or holds
// none of these fields.
func ParseCPUModel(r io.Reader) (string, error) {
	var modelName, processor, hardware string
	var implementer string
	var parts []string // distinct "implementer/part" pairs, in order of appearance
	seen := make(map[string]bool)

	sc := bufio.NewScanner(r)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if value == "" {
			continue
		}
		switch key {
		case "model name":
			if modelName == "" {
				modelName = value
			}
		case "Processor":
			if processor == "" {
				processor = value
			}
		case "Hardware":
			if hardware == "" {
				hardware = value
			}
		case "CPU implementer":
			// Each processor block lists its implementer before its part.
			implementer = value
		case "CPU part":
			id := implementer + "/" + value
			if !seen[id] {
				seen[id] = true
				parts = append(parts, armCoreName(implementer, value))
			}
		}
	}
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("hostinfo: read cpuinfo: %w", err)
	}
	switch {
	case modelName != "":
		return modelName, nil
	case processor != "":
		return processor, nil
	case len(parts) > 0:
		return strings.Join(parts, " + "), nil
	case hardware != "":
		return hardware, nil
	}
	return "", errors.New(`hostinfo: cpuinfo has no "model name", "Processor", "CPU part" or "Hardware" field`)
}

// armImplementers names the "CPU implementer" codes of common arm64 server
// and board vendors.
var armImplementers = map[string]string{
	"0x41": "ARM",
	"0x46": "Fujitsu",
	"0x48": "HiSilicon",
	"0x4e": "NVIDIA",
	"0x51": "Qualcomm",
	"0x61": "Apple",
	"0xc0": "Ampere",
}

// armCores names the "CPU part" codes of Arm Ltd (implementer 0x41) cores
// found in servers and common boards: AWS Graviton2 is a Neoverse-N1,
// Graviton3 a Neoverse-V1, Graviton4 a Neoverse-V2.
var armCores = map[string]string{
	"0xd03": "Cortex-A53",
	"0xd05": "Cortex-A55",
	"0xd07": "Cortex-A57",
	"0xd08": "Cortex-A72",
	"0xd0b": "Cortex-A76",
	"0xd0c": "Neoverse-N1",
	"0xd40": "Neoverse-V1",
	"0xd49": "Neoverse-N2",
	"0xd4f": "Neoverse-V2",
}

// armCoreName returns a readable name for an arm64 core, falling back to the
// raw codes when the implementer or part is not in the tables.
func armCoreName(implementer, part string) string {
	implementer, part = strings.ToLower(implementer), strings.ToLower(part)
	vendor, ok := armImplementers[implementer]
	if !ok {
		if implementer == "" {
			return "CPU part " + part
		}
		return "CPU implementer " + implementer + " part " + part
	}
	if implementer == "0x41" {
		if core, ok := armCores[part]; ok {
			return vendor + " " + core
		}
	}
	return vendor + " part " + part
}
