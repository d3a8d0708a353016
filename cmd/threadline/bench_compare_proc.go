package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/threadline/threadline/internal/bench"
)

// The processes of `bench compare`: servers under test, the CLI runs that
// prepare their databases, and load clients. Every one runs with the
// run's secret key in its environment, is stopped with SIGTERM (then
// SIGKILL) when the run's context ends, and talks to loopback only.

// procs starts the child processes of one compare run.
type procs struct {
	// env is the environment of every child: ours plus the run's secret
	// key, so that every process on one database agrees on it.
	env []string
	// stderr receives the children's diagnostics when they fail.
	stderr io.Writer
}

// stopGrace is how long a child gets between SIGTERM and SIGKILL.
const stopGrace = 15 * time.Second

// command returns bin args as a child that is sent SIGTERM when ctx ends
// and killed stopGrace later.
func (p *procs) command(ctx context.Context, bin string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = p.env
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = stopGrace
	return cmd
}

// run runs bin args to completion and returns its stdout; a failure
// carries the command line and the end of its stderr.
func (p *procs) run(ctx context.Context, bin string, args ...string) (string, error) {
	cmd := p.command(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%s %s: %w\n%s", filepath.Base(bin), strings.Join(args, " "), err, tail(stderr.String(), 2000))
	}
	return stdout.String(), nil
}

// tail is the last n bytes of s.
func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// serverProc is a running `threadline serve` under test.
type serverProc struct {
	cmd         *exec.Cmd
	addr        string // 127.0.0.1:PORT of the API
	metricsAddr string // 127.0.0.1:PORT of /metrics and /debug/pprof
	logs        *lockedBuffer
	done        chan struct{}
	waitErr     error
}

// lockedBuffer is a bytes.Buffer written by a child and read by us.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServer runs bin serve on dbURL on free loopback ports, without the
// rate limit, and waits until GET /healthz answers 200 (up to ready, which
// covers migrating a large database). The caller must stop it.
func (p *procs) startServer(ctx context.Context, bin, dbURL string, ready time.Duration) (*serverProc, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	maddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	s := &serverProc{addr: addr, metricsAddr: maddr, logs: &lockedBuffer{}, done: make(chan struct{})}
	// Not bound to ctx: stop ends it, so that an interrupted run still
	// shuts its servers down gracefully.
	s.cmd = p.command(context.Background(), bin, "serve", "--addr", addr, "--database", dbURL,
		"--metrics-addr", maddr, "--rate-limit", "0", "--log-level", "warn")
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s serve: %w", bin, err)
	}
	go func() { s.waitErr = s.cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(ready)
	hc := &http.Client{Timeout: 2 * time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/healthz", nil)
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("%s serve exited before it was healthy (%v):\n%s", bin, s.waitErr, tail(s.logs.String(), 2000))
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("%s serve not healthy after %s:\n%s", bin, ready, tail(s.logs.String(), 2000))
		}
	}
}

// stop sends SIGTERM, waits up to stopGrace for a graceful exit, then
// kills the server. It returns once the process is gone.
func (s *serverProc) stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(stopGrace):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// url is the server's GraphQL endpoint.
func (s *serverProc) url() string { return "http://" + s.addr + "/graphql/v1" }

// runClient runs a load client (bin bench … --json) and returns the
// summaries it printed. measuring, if not nil, is called when the client
// says its measured run starts; it must not block.
func (p *procs) runClient(ctx context.Context, bin string, args []string, measuring func()) ([]bench.Summary, error) {
	cmd := p.command(ctx, bin, args...)
	var stdout bytes.Buffer
	stderr := &lockedBuffer{}
	cmd.Stdout = &stdout
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			if line == measuringLine && measuring != nil {
				measuring()
				continue
			}
			stderr.Write([]byte(line + "\n"))
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	err := cmd.Run()
	pw.Close()
	<-scanned
	sums, perr := parseSummaries(stdout.Bytes())
	if err != nil && (perr != nil || len(sums) == 0) {
		return nil, fmt.Errorf("load client %s: %w\n%s", strings.Join(args, " "), err, tail(stderr.String(), 2000))
	}
	if perr != nil {
		return nil, fmt.Errorf("load client %s: %w", strings.Join(args, " "), perr)
	}
	// A client that measured but saw failed requests exits non-zero: its
	// figures stand, with their errors counted.
	return sums, nil
}

// parseSummaries reads the JSON lines of a load client's --json output.
func parseSummaries(out []byte) ([]bench.Summary, error) {
	var sums []bench.Summary
	for _, line := range bytes.Split(out, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var s bench.Summary
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s); err != nil {
			return nil, fmt.Errorf("not a summary line: %.200q: %w", line, err)
		}
		if s.Unit == "" || s.Concurrency < 1 {
			return nil, fmt.Errorf("summary line without unit or concurrency: %.200q", line)
		}
		sums = append(sums, s)
	}
	if len(sums) == 0 {
		return nil, errors.New("no summary printed")
	}
	return sums, nil
}

// fetchProfiles saves the server's CPU profile and its allocations (a
// delta) over the next seconds to base+".cpu.pprof" and
// base+".allocs.pprof".
func (s *serverProc) fetchProfiles(ctx context.Context, base string, seconds int) error {
	hc := &http.Client{Timeout: time.Duration(seconds)*time.Second + 30*time.Second}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, p := range []struct{ path, file string }{
		{"/debug/pprof/profile", ".cpu.pprof"}, {"/debug/pprof/allocs", ".allocs.pprof"},
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fetchTo(ctx, hc, fmt.Sprintf("http://%s%s?seconds=%d", s.metricsAddr, p.path, seconds), base+p.file)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// fetchTo saves the body of GET url to path.
func fetchTo(ctx context.Context, hc *http.Client, url, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 500))
		return fmt.Errorf("GET %s: HTTP %d: %s", url, resp.StatusCode, b)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// copyFiles copies the files of dir matching glob into to.
func copyFiles(glob, to string) error {
	files, err := filepath.Glob(glob)
	if err != nil || len(files) == 0 {
		return fmt.Errorf("nothing to copy at %s (%v)", glob, err)
	}
	for _, f := range files {
		if err := copyFile(f, filepath.Join(to, filepath.Base(f))); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
