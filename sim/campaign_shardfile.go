package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxReportSize bounds a report file merge reads. A report holds at most a
// finding per rule and design; the bound keeps a wrong path from being
// read whole.
const MaxReportSize = 64 << 20

// ReadShardReport reads a report written by `check --shard I/N --json`.
// Every error is a *ShardError naming the file.
func ReadShardReport(path string) (ShardReport, error) {
	data, err := ReadRegularFile(path, MaxReportSize)
	if err != nil {
		return ShardReport{}, &ShardError{File: path, Msg: "cannot read the report: " + err.Error()}
	}
	rep, err := ParseReport(path, data)
	return ShardReport{File: path, Report: rep}, err
}

// ParseReport reads a check's JSON report strictly: unknown fields and
// anything after the report are errors, so that a file that only looks
// like a report is not merged as one.
func ParseReport(name string, data []byte) (RunReport, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var rep RunReport
	if err := dec.Decode(&rep); err != nil {
		return RunReport{}, &ShardError{File: name, Msg: "not a JSON report of ndissim check: " + JSONReason(err, data)}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return RunReport{}, &ShardError{File: name, Msg: "not a JSON report of ndissim check: more after the report; expected one JSON object"}
	}
	if rep.Version == "" || rep.Designs == nil {
		return RunReport{}, &ShardError{File: name, Msg: "not a JSON report of ndissim check: no version or designs"}
	}
	return rep, nil
}

// JSONReason says where a JSON error in data is, as a line, when
// encoding/json knows the offset: what a report reader tells its user.
func JSONReason(err error, data []byte) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("line %d: %v", lineOf(data, se.Offset), err)
	case errors.As(err, &te):
		return fmt.Sprintf("line %d: %s: expected %s, got JSON %s", lineOf(data, te.Offset), te.Field, te.Type, te.Value)
	case errors.Is(err, io.EOF):
		return "the file is empty"
	}
	return err.Error()
}

func lineOf(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte("\n")) + 1
}
