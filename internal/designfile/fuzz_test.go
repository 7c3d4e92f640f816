package designfile_test

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/ndissim/ndissim/internal/designfile"
)

func FuzzParse(f *testing.F) {
	f.Add(designfile.DefaultYAML)
	for _, s := range []string{
		withProtocol,
		"version: 1\nname: [t\nstack: {}\n",
		"version: 1\nstack:\n\tmaa: 16\n",
		"version: 1\nname: &n t\nstack: {miniport: {name: *n}}\n",
		base + "  changes:\n    - remove: qos\n    - remove: qos\nprotocol: {}\n",
		base + "protocol: {go: " + testGoDesign + "}\n",
		base + "protocol:\n  send: {api: separate, net_buffers: 64}\n  nb_pool: {data_size: 0x10}\n",
		withProtocol + "workload:\n  steps: 99999999999999999999\n  faults: {pend: .nan}\n",
		withProtocol + "---\nversion: 1\n",
		"version: 1\nname: t\x00\xff",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := designfile.Parse("fuzz.yaml", data)
		// Parsing is a function of the bytes: a second parse gives the same
		// design or the same error, whole.
		d2, err2 := designfile.Parse("fuzz.yaml", data)
		if !reflect.DeepEqual(err, err2) {
			t.Fatalf("two parses disagree: %v / %v", err, err2)
		}
		if err == nil {
			a, b := d, d2
			a.New, b.New = nil, nil
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("two parses give different designs:\n%+v\n%+v", a, b)
			}
		}
		if err != nil {
			var de *designfile.Error
			if !errors.As(err, &de) {
				t.Fatalf("error is %T, not *designfile.Error: %v", err, err)
			}
			if de.Line < 0 || de.Column < 0 || de.Msg == "" || de.File != "fuzz.yaml" {
				t.Fatalf("malformed error %#v", de)
			}
			return
		}
		if d.Name == "" || d.Stack == nil || d.New == nil || d.Protocol == "" {
			t.Fatalf("incomplete design %+v", d)
		}
		if !bytes.Equal(d.Source, data) {
			t.Fatal("Source is not the file's bytes")
		}
		w := d.Workload
		if w.Steps < 1 || w.Steps > 100000 || !prob(w.AllocationFailure) || !prob(w.OIDFailure) || !prob(w.Pend) {
			t.Fatalf("workload out of range: %+v", w)
		}
		s := d.Stack.Clone()
		for _, e := range d.Changes {
			if err := s.Apply(e); err != nil {
				t.Fatalf("accepted a change that does not apply: %v", err)
			}
		}
	})
}

func prob(p float64) bool { return p >= 0 && p <= 1 }
