package component

import (
	"reflect"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"text defaults",
			`[{"componentText":{"text":" hi "}}]`,
			`[{"componentText":{"text":" hi ","textSize":"M","textColor":"NORMAL"}}]`},
		{"text aliases folded",
			`[{"componentText":{"text":"hi","size":"L","color":"ERROR"}}]`,
			`[{"componentText":{"text":"hi","textSize":"L","textColor":"ERROR"}}]`},
		{"text new fields win over aliases",
			`[{"componentText":{"text":"hi","textSize":"S","textColor":"MUTED","size":"L","color":"ERROR"}}]`,
			`[{"componentText":{"text":"hi","textSize":"S","textColor":"MUTED"}}]`},
		{"plain text defaults",
			`[{"componentPlainText":{"plainText":"p","plainTextSize":null,"plainTextColor":"WARNING"}}]`,
			`[{"componentPlainText":{"plainText":"p","plainTextSize":"M","plainTextColor":"WARNING"}}]`},
		{"badge default color and trimmed label",
			`[{"componentBadge":{"badgeLabel":" VIP "}}]`,
			`[{"componentBadge":{"badgeLabel":"VIP","badgeColor":"GREY"}}]`},
		{"copy tooltip defaults to value",
			`[{"componentCopyButton":{"copyButtonValue":"abc","copyButtonTooltipLabel":null}},{"componentCopyButton":{"copyButtonValue":"d","copyButtonTooltipLabel":"  "}}]`,
			`[{"componentCopyButton":{"copyButtonValue":"abc","copyButtonTooltipLabel":"abc"}},{"componentCopyButton":{"copyButtonValue":"d","copyButtonTooltipLabel":"d"}}]`},
		{"copy tooltip kept",
			`[{"componentCopyButton":{"copyButtonValue":"abc","copyButtonTooltipLabel":" Copy id "}}]`,
			`[{"componentCopyButton":{"copyButtonValue":"abc","copyButtonTooltipLabel":"Copy id"}}]`},
		{"divider default and alias",
			`[{"componentDivider":{}},{"componentDivider":{"spacingSize":"XL"}},{"componentDivider":{"dividerSpacingSize":"XS","spacingSize":"XL"}}]`,
			`[{"componentDivider":{"dividerSpacingSize":"S"}},{"componentDivider":{"dividerSpacingSize":"XL"}},{"componentDivider":{"dividerSpacingSize":"XS"}}]`},
		{"link button aliases folded",
			`[{"componentLinkButton":{"label":" Open ","url":" https://x.io "}},{"componentLinkButton":{"linkButtonLabel":"New","linkButtonUrl":"https://new.io","label":"Old","url":"https://old.io"}}]`,
			`[{"componentLinkButton":{"linkButtonLabel":"Open","linkButtonUrl":"https://x.io"}},{"componentLinkButton":{"linkButtonLabel":"New","linkButtonUrl":"https://new.io"}}]`},
		{"spacer default and alias",
			`[{"componentSpacer":{}},{"componentSpacer":{"size":"L"}},{"componentSpacer":{"spacerSize":"S","size":"L"}}]`,
			`[{"componentSpacer":{"spacerSize":"M"}},{"componentSpacer":{"spacerSize":"L"}},{"componentSpacer":{"spacerSize":"S"}}]`},
		{"workflow button trimmed",
			`[{"componentWorkflowButton":{"workflowButtonLabel":" Run ","workflowButtonWorkflowIdentifier":{"workflowId":null,"workflowKey":" refund "}}}]`,
			`[{"componentWorkflowButton":{"workflowButtonLabel":"Run","workflowButtonWorkflowIdentifier":{"workflowKey":"refund"}}}]`},
		{"nested defaults",
			`[{"componentContainer":{"containerContent":[{"componentRow":{"rowMainContent":[{"componentText":{"text":"a","size":"S"}}],"rowAsideContent":[{"componentBadge":{"badgeLabel":"b"}}]}},{"componentSpacer":{"size":"XS"}}]}}]`,
			`[{"componentContainer":{"containerContent":[{"componentRow":{"rowMainContent":[{"componentText":{"text":"a","textSize":"S","textColor":"NORMAL"}}],"rowAsideContent":[{"componentBadge":{"badgeLabel":"b","badgeColor":"GREY"}}]}},{"componentSpacer":{"spacerSize":"XS"}}]}}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := mustUnmarshal(t, tt.in)
			before := mustMarshal(t, in)
			if err := Validate("components", in); err != nil {
				t.Fatalf("test input is invalid: %v", err)
			}
			out := Normalize(in)
			if got := mustMarshal(t, out); got != tt.want {
				t.Errorf("Normalize\n got %s\nwant %s", got, tt.want)
			}
			if after := mustMarshal(t, in); after != before {
				t.Errorf("Normalize changed its input:\n%s\n%s", before, after)
			}
			if again := mustMarshal(t, Normalize(out)); again != tt.want {
				t.Errorf("Normalize is not idempotent: %s", again)
			}
		})
	}
	if Normalize(nil) != nil {
		t.Errorf("Normalize(nil) != nil")
	}
}

// TestNormalizeCopies checks the result shares no pointers with the input.
func TestNormalizeCopies(t *testing.T) {
	label := "Open"
	in := []Component{{LinkButton: &LinkButton{LinkButtonLabel: &label, LinkButtonURL: &label}}}
	out := Normalize(in)
	*out[0].LinkButton.LinkButtonLabel = "changed"
	if label != "Open" || *in[0].LinkButton.LinkButtonLabel != "Open" {
		t.Errorf("Normalize result aliases its input")
	}
}

func TestPreviewText(t *testing.T) {
	text := func(s string) Component { return Component{Text: &Text{Text: s}} }
	plain := func(s string) Component { return Component{PlainText: &PlainText{PlainText: s}} }
	badge := Component{Badge: &Badge{BadgeLabel: "badge"}}
	nested := []Component{
		text("Hello"),
		badge,
		{Container: &Container{ContainerContent: []Component{
			plain("in  container"),
			{Row: &Row{
				RowMainContent:  []Component{text("main"), {Divider: &Divider{}}},
				RowAsideContent: []Component{plain("aside"), {CopyButton: &CopyButton{CopyButtonValue: "copy"}}},
			}},
		}}},
		{Row: &Row{RowMainContent: []Component{plain("last")}}},
	}
	tests := []struct {
		name string
		cs   []Component
		max  int
		want string
	}{
		{"nil", nil, 500, ""},
		{"no text components", []Component{badge, {Spacer: &Spacer{}}}, 500, ""},
		{"nesting in document order", nested, 500, "Hello in container main aside last"},
		{"no limit", nested, 0, "Hello in container main aside last"},
		{"whitespace collapsed", []Component{text("\n  a \t\n b  "), plain("  "), plain(" c\n")}, 500, "a b c"},
		{"markdown reduced", []Component{text("**Bold** and *it* and _it_ and __b__, [docs](https://x.io/a_b) ok")}, 500,
			"Bold and it and it and b, docs ok"},
		{"markdown nested and escaped", []Component{text(`***both*** \*lit\* snake_case_name 2*3*4`)}, 500,
			"both *lit* snake_case_name 234"},
		{"plain text kept verbatim", []Component{plain("**not bold** [x](y)")}, 500, "**not bold** [x](y)"},
		{"truncated", []Component{text("abcdef")}, 3, "abc"},
		{"truncated in runes", []Component{text("héllo wörld")}, 8, "héllo wö"},
		{"no trailing space at the cut", []Component{text("abc def")}, 4, "abc"},
		{"cut between components", []Component{text("abc"), text("def")}, 5, "abc d"},
		{"cut exactly at the end", []Component{text("abc"), text("def")}, 7, "abc def"},
		{"long text", []Component{plain(strings.Repeat("x ", 1000))}, PreviewMaxLength, strings.TrimSpace(strings.Repeat("x ", 250))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PreviewText(tt.cs, tt.max); got != tt.want {
				t.Errorf("PreviewText = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestJSONFromGraphQLClient decodes the JSON a GraphQL client (the Plain SDK)
// sends, with explicit nulls for unused props and kinds.
func TestJSONFromGraphQLClient(t *testing.T) {
	in := `[{"componentText":{"text":"hi","textSize":null,"textColor":null,"size":null,"color":null},"componentBadge":null},
	        {"componentLinkButton":{"linkButtonLabel":"Open","linkButtonUrl":"https://x.io","label":null,"url":null},"componentText":null},
	        {"componentWorkflowButton":{"workflowButtonLabel":"Run","workflowButtonWorkflowIdentifier":{"workflowId":null,"workflowKey":"k"}}}]`
	cs, err := Unmarshal([]byte(in))
	if err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	label, url, key := "Open", "https://x.io", "k"
	want := []Component{
		{Text: &Text{Text: "hi"}},
		{LinkButton: &LinkButton{LinkButtonLabel: &label, LinkButtonURL: &url}},
		{WorkflowButton: &WorkflowButton{WorkflowButtonLabel: "Run",
			WorkflowButtonWorkflowIdentifier: &WorkflowIdentifier{WorkflowKey: &key}}},
	}
	if !reflect.DeepEqual(cs, want) {
		t.Errorf("Unmarshal\n got %s\nwant %s", mustMarshal(t, cs), mustMarshal(t, want))
	}
	if err := Validate("components", cs); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		cs   []Component
		want string
	}{
		{"nil", nil, `[]`},
		{"empty", []Component{}, `[]`},
		{"omits absent props",
			[]Component{{Text: &Text{Text: "hi"}}, {Divider: &Divider{}}},
			`[{"componentText":{"text":"hi"}},{"componentDivider":{}}]`},
		{"normalized nested",
			Normalize([]Component{{Container: &Container{ContainerContent: []Component{
				{Row: &Row{RowMainContent: []Component{{PlainText: &PlainText{PlainText: "p"}}},
					RowAsideContent: []Component{{CopyButton: &CopyButton{CopyButtonValue: "v"}}}}}}}}}),
			`[{"componentContainer":{"containerContent":[{"componentRow":{"rowMainContent":[{"componentPlainText":{"plainText":"p","plainTextSize":"M","plainTextColor":"NORMAL"}}],"rowAsideContent":[{"componentCopyButton":{"copyButtonValue":"v","copyButtonTooltipLabel":"v"}}]}}]}}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := Marshal(tt.cs)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if string(data) != tt.want {
				t.Errorf("Marshal\n got %s\nwant %s", data, tt.want)
			}
			back, err := Unmarshal(data)
			if err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if again := mustMarshal(t, back); again != tt.want {
				t.Errorf("round trip changed the JSON: %s", again)
			}
			if len(tt.cs) > 0 && !reflect.DeepEqual(back, tt.cs) {
				t.Errorf("round trip changed the value")
			}
		})
	}
}

func TestUnmarshalRejectsMalformed(t *testing.T) {
	for _, in := range []string{``, `{`, `{"componentText":{"text":"a"}}`, `[{"componentText":{"text":1}}]`} {
		if _, err := Unmarshal([]byte(in)); err == nil {
			t.Errorf("Unmarshal(%q) succeeded", in)
		}
	}
}

func mustUnmarshal(t *testing.T, s string) []Component {
	t.Helper()
	cs, err := Unmarshal([]byte(s))
	if err != nil {
		t.Fatalf("Unmarshal(%s): %v", s, err)
	}
	return cs
}

func mustMarshal(t *testing.T, cs []Component) string {
	t.Helper()
	data, err := Marshal(cs)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	return string(data)
}

// TestDateTimeAndUserComponents: a date-time is stored in UTC with
// milliseconds, and Users finds user components at every depth.
func TestDateTimeAndUserComponents(t *testing.T) {
	cs, err := Unmarshal([]byte(`[{"componentDateTime":{"dateTimeIso8601":" 2024-05-01T10:00:00+02:00 "}},
		{"componentContainer":{"containerContent":[{"componentRow":{"rowMainContent":[{"componentUser":{"userIdentifier":{"userId":" u_1 "}}}],
		"rowAsideContent":[{"componentText":{"text":"x"}}]}}]}},
		{"componentUser":{"userIdentifier":{"machineUserId":"mu_1"}}}]`))
	if err != nil {
		t.Fatal(err)
	}
	n := Normalize(cs)
	if got := n[0].DateTime.DateTimeISO8601; got != "2024-05-01T08:00:00.000Z" {
		t.Errorf("date time stored as %q", got)
	}
	refs := Users("components", n)
	if len(refs) != 2 || refs[0].Path != "components.1.componentContainer.containerContent.0.componentRow.rowMainContent.0.componentUser.userIdentifier" ||
		*refs[0].Identifier.UserID != "u_1" || refs[1].Path != "components.2.componentUser.userIdentifier" || *refs[1].Identifier.MachineUserID != "mu_1" {
		t.Errorf("Users = %+v", refs)
	}
}
