package sim

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// FileError is a file ndissim will not read or could not write: Reason says
// why, without the path, which the caller names in its own message.
type FileError struct {
	Reason string
	Err    error // the system's error, if any
}

func (e *FileError) Error() string { return e.Reason }
func (e *FileError) Unwrap() error { return e.Err }

// ReadRegularFile reads the regular file at path, refusing any other kind of
// file (a FIFO, a device, a directory) before reading a byte, and any file
// larger than limit. It opens without blocking, so that a FIFO named by
// mistake is refused instead of hanging the command until a writer comes.
func ReadRegularFile(path string, limit int64) ([]byte, error) {
	if path == "" {
		return nil, &FileError{Reason: "an empty path; expected a file"}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, &FileError{Reason: "cannot open: " + reason(err), Err: err}
	}
	defer f.Close()
	return readOpened(f, limit)
}

// ReadInTree reads the regular file rel inside the directory dir, and
// nothing outside it: rel must be a local path (no "..", not absolute), and
// no symbolic link on the way may lead out of dir.
func ReadInTree(dir, rel string, limit int64) ([]byte, error) {
	if !filepath.IsLocal(rel) {
		return nil, &FileError{Reason: "not a path inside the directory"}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, &FileError{Reason: "cannot open the directory: " + reason(err), Err: err}
	}
	defer root.Close()
	f, err := root.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, &FileError{Reason: "cannot open it inside the directory: " + reason(err), Err: err}
	}
	defer f.Close()
	return readOpened(f, limit)
}

// readOpened reads an open file if it is a regular one of at most limit
// bytes; it never reads more than limit+1 bytes.
func readOpened(f *os.File, limit int64) ([]byte, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, &FileError{Reason: "cannot read: " + reason(err), Err: err}
	}
	if !st.Mode().IsRegular() {
		return nil, &FileError{Reason: fmt.Sprintf("%s, not a regular file", kind(st.Mode()))}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, &FileError{Reason: "cannot read: " + reason(err), Err: err}
	}
	if int64(len(data)) > limit {
		return nil, &FileError{Reason: fmt.Sprintf("larger than %d bytes, the limit for this file", limit)}
	}
	return data, nil
}

// kind names a file mode for a message.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// reason drops the path an *fs.PathError repeats.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// ReadTrace reads and parses the trace file at path; every error is a
// *TraceError.
func ReadTrace(path string) (TraceFile, error) {
	data, err := ReadRegularFile(path, MaxTraceSize)
	if err != nil {
		return TraceFile{}, &TraceError{File: path, Msg: "cannot read the trace file: " + err.Error()}
	}
	return ParseTrace(path, data)
}

// TraceOrigin is the origin a trace saved in dir records for d: the design
// file's path relative to dir when it lies inside dir, so that replay finds
// it from anywhere; "go:NAME" or "embedded:NAME" for a built-in design. A
// design file outside dir is recorded as "" (external): replay reads no
// file the trace itself names outside the trace's directory, so it is then
// told the design file.
func TraceOrigin(d Design, dir string) (origin string, external bool) {
	if !isFile(d) {
		return Origin(d), false
	}
	absDir, err1 := filepath.Abs(dir)
	absFile, err2 := filepath.Abs(d.File)
	if err1 != nil || err2 != nil {
		return "", true
	}
	rel, err := filepath.Rel(absDir, absFile)
	if err != nil || !filepath.IsLocal(rel) {
		return "", true
	}
	return filepath.ToSlash(rel), false
}

// WriteFileAtomic writes data to a temporary file beside path and renames
// it over path, so that a kill at any moment leaves the old file or the
// new. Directories and the file are created with the umask's permissions,
// as any other file the user makes.
func WriteFileAtomic(path string, data []byte) error {
	return writeFileAtomic(path, data, true)
}

func writeFileAtomic(path string, data []byte, sync bool) error {
	p := &PendingWrite{path: path}
	p.open()
	return p.commit(data, sync)
}

// PendingWrite is an atomic write of one file (as WriteFileAtomic's) in two
// halves: StartWrite makes the directory and the temporary file in the
// background, which on a busy disk is the slow half, so that the caller
// can compute the contents meanwhile; Commit writes them and renames the
// file into place. Commit does not fsync: a killed process still leaves the
// old file or the new, but a crash of the whole system may leave an empty
// or torn one. It is for files that are cheap to make again and checked
// when read, such as the trace a failing test saves.
type PendingWrite struct {
	path string
	done chan struct{}
	f    *os.File
	err  error
}

// StartWrite starts writing path. Commit or Abort must follow.
func StartWrite(path string) *PendingWrite {
	p := &PendingWrite{path: path, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.open()
	}()
	return p
}

func (p *PendingWrite) open() {
	dir := filepath.Dir(p.path)
	if p.err = os.MkdirAll(dir, 0o777); p.err == nil {
		p.f, p.err = createTemp(dir)
	}
}

func (p *PendingWrite) wait() {
	if p.done != nil {
		<-p.done
	}
}

// Commit writes data as the file's contents and renames it into place.
func (p *PendingWrite) Commit(data []byte) error { return p.commit(data, false) }

func (p *PendingWrite) commit(data []byte, sync bool) error {
	p.wait()
	if p.err != nil {
		return p.err
	}
	f := p.f
	if f == nil {
		return &FileError{Reason: "written already, or aborted"}
	}
	p.f = nil
	_, werr := f.Write(data)
	var serr error
	if sync && werr == nil {
		serr = f.Sync()
	}
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), p.path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

// Abort removes the temporary file of a write that is not to be committed;
// after Commit it does nothing.
func (p *PendingWrite) Abort() {
	p.wait()
	if p.f != nil {
		p.f.Close()
		os.Remove(p.f.Name())
		p.f = nil
	}
}

// tempPattern is the name of WriteFileAtomic's temporary files.
const tempPrefix, tempSuffix = ".ndissim-", ".tmp"

// createTemp creates a new temporary file in dir with mode 0666 less the
// umask (os.CreateTemp would make it 0600, and the rename would keep that).
func createTemp(dir string) (*os.File, error) {
	for range 100 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		name := filepath.Join(dir, tempPrefix+hex.EncodeToString(b[:])+tempSuffix)
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, &FileError{Reason: "cannot create a temporary file in " + dir}
}

// StaleTempAge is how old a temporary file of WriteFileAtomic must be for
// RemoveStaleTemp to remove it: far longer than a write takes, so that a
// check writing into the same directory at the same time keeps its own.
const StaleTempAge = time.Minute

// RemoveStaleTemp removes the temporary files a killed ndissim left in dir
// and returns how many it removed.
func RemoveStaleTemp(dir string, now time.Time) int {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(name, tempPrefix) || !strings.HasSuffix(name, tempSuffix) {
			continue
		}
		info, err := e.Info()
		if err != nil || now.Sub(info.ModTime()) < StaleTempAge {
			continue
		}
		if os.Remove(filepath.Join(dir, name)) == nil {
			n++
		}
	}
	return n
}

// ShellCommand renders a command line that a POSIX shell runs as given:
// arguments are single-quoted where they need it, and a "--" ends the
// options when an argument after the command's name begins with a dash.
func ShellCommand(args ...string) string {
	out := make([]string, 0, len(args)+1)
	dashed := false
	for i, a := range args {
		if i >= 2 && strings.HasPrefix(a, "-") && !dashed {
			out = append(out, "--")
			dashed = true
		}
		out = append(out, shellQuote(a))
	}
	return strings.Join(out, " ")
}

// shellQuote quotes s for a POSIX shell unless it needs none.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/=:,+@%-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
