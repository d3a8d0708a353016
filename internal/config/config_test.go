package config

import (
	"flag"
	"io"
	"strings"
	"testing"
)

// TestGCPercent: the server's GOGC defaults to 400, reads --gc-percent and
// THREADLINE_GC_PERCENT, and refuses a value that would collect constantly.
func TestGCPercent(t *testing.T) {
	if got := Defaults().GCPercent; got != 400 {
		t.Fatalf("default GCPercent %d, want 400", got)
	}
	parse := func(args ...string) (Config, error) {
		c := Defaults()
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		c.ServeFlags(fs)
		if err := Parse(fs, args); err != nil {
			return c, err
		}
		return c, c.Validate()
	}
	c, err := parse("--gc-percent", "200")
	if err != nil || c.GCPercent != 200 {
		t.Fatalf("--gc-percent 200: %d, %v", c.GCPercent, err)
	}
	t.Setenv("THREADLINE_GC_PERCENT", "800")
	if c, err = parse(); err != nil || c.GCPercent != 800 {
		t.Fatalf("THREADLINE_GC_PERCENT=800: %d, %v", c.GCPercent, err)
	}
	if _, err = parse("--gc-percent", "5"); err == nil || !strings.Contains(err.Error(), "--gc-percent") {
		t.Fatalf("--gc-percent 5: %v, want a refusal naming the flag", err)
	}
}
