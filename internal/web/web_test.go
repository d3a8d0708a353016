package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/threadline/threadline/internal/thread"
)

func TestMarkdownIsSafe(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"**bold** and _it_", "<strong>bold</strong> and <em>it</em>"},
		{"[docs](https://example.com/a?b=1&c=2)", `<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer nofollow" target="_blank">docs</a>`},
		{"[x](javascript:alert(1))", "[x](javascript:alert(1))"},
		{`<script>alert(1)</script>`, "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{`[a](https://x.io/"onmouseover="alert(1))`, `[a](https://x.io/&#34;onmouseover=&#34;alert(1))`},
		{"**<img src=x onerror=alert(1)>**", "<strong>&lt;img src=x onerror=alert(1)&gt;</strong>"},
		{"`<b>`", "<code>&lt;b&gt;</code>"},
		{"snake_case_name stays", "snake_case_name stays"},
	} {
		if got := string(markdown(tc.in)); got != tc.want {
			t.Errorf("markdown(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestQueueParams(t *testing.T) {
	p := parseQueue(url.Values{"status": {"DONE"}, "view": {"mine"}, "priority": {"9"}, "sort": {"bogus"}, "after": {"c1"}})
	if p.Status != thread.StatusDone || p.View != "mine" || p.Priority != "" || p.Sort != "inbound" {
		t.Fatalf("parsed %+v", p)
	}
	if got := p.URL(); got != "/?after=c1&status=DONE&view=mine" {
		t.Errorf("URL = %q", got)
	}
	if got := p.With("status", "TODO").URL(); got != "/?view=mine" {
		t.Errorf("With(status) = %q (defaults and the cursor left out)", got)
	}
	if got := parseQueue(url.Values{}).URL(); got != "/" {
		t.Errorf("default URL = %q", got)
	}
	f := parseQueue(url.Values{"view": {"unassigned"}, "label": {"lt_1"}, "priority": {"0"}}).filter("u_me", thread.StatusTodo, "unassigned")
	if f.IsAssigned == nil || *f.IsAssigned || len(f.LabelTypeIDs) != 1 || f.Priorities[0] != 0 || f.Statuses[0] != thread.StatusTodo {
		t.Errorf("filter %+v", f)
	}
	if s := parseQueue(url.Values{}).sort(); s.Field != thread.SortLastInboundMessageAt || !s.Descending {
		t.Errorf("default sort %+v: newest customer message first", s)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"/threads/x?y=1": "/threads/x?y=1", "//evil.example": "/", "https://evil.example": "/",
		"/\\evil": "/", "": "/", "/ok\r\nSet-Cookie: x": "/"} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTemplatesParse: every page parses with the layout and its parts.
func TestTemplatesParse(t *testing.T) {
	h, err := New(nil, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	for _, name := range pageNames {
		if h.pages[name].Lookup("content") == nil || !strings.Contains(h.pages[name].DefinedTemplates(), "layout") {
			t.Errorf("page %s lacks content or layout", name)
		}
	}
}
