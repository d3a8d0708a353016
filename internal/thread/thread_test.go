package thread

import (
	"strings"
	"testing"
)

func TestParseRef(t *testing.T) {
	for in, want := range map[string]int64{"T-1": 1, "t-42": 42, " T-7 ": 7, "T-0": 0, "T-": 0, "X-1": 0, "T-1a": 0, "12": 0} {
		got, ok := ParseRef(in)
		if (want != 0) != ok || got != want && ok {
			t.Errorf("ParseRef(%q) = %d, %v", in, got, ok)
		}
	}
	if (Thread{Ref: 12}).RefString() != "T-12" {
		t.Error("RefString")
	}
}

func TestTruncate(t *testing.T) {
	if got := Truncate("  a   b \n c ", 10); got != "a b c" {
		t.Errorf("whitespace: %q", got)
	}
	long := strings.Repeat("word ", 200)
	got := Truncate(long, 500)
	if len([]rune(got)) > 500 || !strings.HasSuffix(got, "…") || strings.Contains(got, "wor…") {
		t.Errorf("long: %d runes, %q", len([]rune(got)), got[len(got)-10:])
	}
	if got := Truncate(strings.Repeat("é", 600), 500); len([]rune(got)) != 500 {
		t.Errorf("runes: %d", len([]rune(got)))
	}
}

func TestDeriveTitle(t *testing.T) {
	for _, c := range []struct{ desc, preview, name, want string }{
		{"First line\nsecond", "", "Ann", "First line"},
		{"", "The login button is broken", "Ann", "The login button is broken"},
		{"", "", "Ann", "Thread from Ann"},
	} {
		if got := DeriveTitle(c.desc, c.preview, c.name); got != c.want {
			t.Errorf("DeriveTitle(%q, %q) = %q, want %q", c.desc, c.preview, got, c.want)
		}
	}
}
