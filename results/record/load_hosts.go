package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// Hosts is a result folder's hosts.json: the fingerprint of the server that
// ran the jobs and of the client that measured them, each as the fields the
// file holds, in file order, for display. Fields of a nested object are
// flattened with a dot, such as "limits.max_tasks".
type Hosts struct {
	Server HostFields
	Client HostFields
}

// HostField is one field of a host fingerprint: its JSON name and its value
// as text (a string unquoted, a number or boolean as written, null as "").
type HostField struct {
	Name, Value string
}

// HostFields are a fingerprint's fields in file order.
type HostFields []HostField

// Get returns the value of the field called name, or "" when there is none.
func (f HostFields) Get(name string) string {
	for _, x := range f {
		if x.Name == name {
			return x.Value
		}
	}
	return ""
}

// ReadHostsFile reads the hosts.json at path: an object whose "server" and
// "client" members are objects of fingerprint fields. Other members are
// ignored; a missing one leaves its HostFields nil. Errors name the file;
// a missing file's error wraps fs.ErrNotExist.
func ReadHostsFile(path string) (*Hosts, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read hosts: %w", err)
	}
	h, err := ParseHosts(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return h, nil
}

// ParseHosts parses the contents of a hosts.json file, as ReadHostsFile
// describes.
func ParseHosts(b []byte) (*Hosts, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, fmt.Errorf("hosts: %w", err)
	}
	h := new(Hosts)
	for _, m := range []struct {
		name string
		dst  *HostFields
	}{{"server", &h.Server}, {"client", &h.Client}} {
		raw, ok := top[m.name]
		if !ok || string(raw) == "null" {
			continue
		}
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		var f HostFields
		if err := flattenObject(d, "", &f); err != nil {
			return nil, fmt.Errorf("hosts: %q: %w", m.name, err)
		}
		*m.dst = f
	}
	return h, nil
}

// flattenObject reads one JSON object from d, appending its scalar members
// to f under prefix and recursing into nested objects. Arrays are kept as
// their compact JSON text.
func flattenObject(d *json.Decoder, prefix string, f *HostFields) error {
	tok, err := d.Token()
	if err != nil {
		return err
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("got %v, want an object", tok)
	}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		name := prefix + tok.(string) // object keys are always strings
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			return fmt.Errorf("member %q: %w", name, err)
		}
		raw = bytes.TrimSpace(raw)
		switch {
		case len(raw) > 0 && raw[0] == '{':
			sub := json.NewDecoder(bytes.NewReader(raw))
			sub.UseNumber()
			if err := flattenObject(sub, name+".", f); err != nil {
				return err
			}
		case len(raw) > 0 && raw[0] == '"':
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return fmt.Errorf("member %q: %w", name, err)
			}
			*f = append(*f, HostField{name, s})
		case string(raw) == "null":
			*f = append(*f, HostField{name, ""})
		default:
			var c bytes.Buffer
			if err := json.Compact(&c, raw); err != nil {
				return fmt.Errorf("member %q: %w", name, err)
			}
			*f = append(*f, HostField{name, c.String()})
		}
	}
	if _, err := d.Token(); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}
