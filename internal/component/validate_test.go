package component

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/threadline/threadline/internal/core"
)

// fe builds an expected field error.
func fe(field, msg string) core.FieldError {
	t := core.FieldValidation
	if msg == "Required" {
		t = core.FieldRequired
	}
	return core.FieldError{Field: field, Message: msg, Type: t}
}

func tooLong(n int) string { return fmt.Sprintf("String must contain at most %d character(s)", n) }

// q quotes s as a JSON string (the test inputs only need ASCII and é).
func q(s string) string { return `"` + s + `"` }

func TestValidate(t *testing.T) {
	const (
		c0   = "components.0"
		text = c0 + ".componentText"
		link = c0 + ".componentLinkButton"
		wf   = c0 + ".componentWorkflowButton"
		wfID = wf + ".workflowButtonWorkflowIdentifier"
		row  = c0 + ".componentRow"
		box  = c0 + ".componentContainer"
	)
	long := func(n int) string { return q(strings.Repeat("é", n)) }
	tests := []struct {
		name string
		json string
		want []core.FieldError
	}{
		// Each component valid.
		{"text", `[{"componentText":{"text":"**hi**"}}]`, nil},
		{"text with all props", `[{"componentText":{"text":"hi","textSize":"L","textColor":"MUTED"}}]`, nil},
		{"text with deprecated aliases", `[{"componentText":{"text":"hi","size":"S","color":"ERROR"}}]`, nil},
		{"plain text", `[{"componentPlainText":{"plainText":"hi","plainTextSize":"S","plainTextColor":"SUCCESS"}}]`, nil},
		{"badge", `[{"componentBadge":{"badgeLabel":"VIP","badgeColor":"BLUE"}}]`, nil},
		{"copy button", `[{"componentCopyButton":{"copyButtonValue":"abc","copyButtonTooltipLabel":"Copy"}}]`, nil},
		{"copy button blank tooltip", `[{"componentCopyButton":{"copyButtonValue":"abc","copyButtonTooltipLabel":" "}}]`, nil},
		{"divider", `[{"componentDivider":{}}]`, nil},
		{"divider with size", `[{"componentDivider":{"dividerSpacingSize":"XL","spacingSize":null}}]`, nil},
		{"link button", `[{"componentLinkButton":{"linkButtonLabel":"Open","linkButtonUrl":"https://example.com/a?b=1"}}]`, nil},
		{"link button aliases", `[{"componentLinkButton":{"label":"Open","url":"http://example.com"}}]`, nil},
		{"link button upper-case scheme", `[{"componentLinkButton":{"linkButtonLabel":"Open","linkButtonUrl":"HTTPS://EXAMPLE.COM"}}]`, nil},
		{"spacer", `[{"componentSpacer":{"spacerSize":"XS"}}]`, nil},
		{"date time", `[{"componentDateTime":{"dateTimeIso8601":"2024-05-01T10:00:00+02:00"}}]`, nil},
		{"date time not ISO", `[{"componentDateTime":{"dateTimeIso8601":"yesterday"}}]`,
			[]core.FieldError{fe(c0+".componentDateTime.dateTimeIso8601", "Must be an ISO 8601 date-time")}},
		{"user by id", `[{"componentUser":{"userIdentifier":{"userId":"u_1","machineUserId":null}}}]`, nil},
		{"user in a row", `[{"componentRow":{"rowMainContent":[{"componentUser":{"userIdentifier":{"emailAddress":"a@b.c"}}}],"rowAsideContent":[{"componentDateTime":{"dateTimeIso8601":"2024-05-01T10:00:00Z"}}]}}]`, nil},
		{"user without identifier", `[{"componentUser":{}}]`, []core.FieldError{fe(c0+".componentUser.userIdentifier", "Required")}},
		{"user by two identifiers", `[{"componentUser":{"userIdentifier":{"userId":"u_1","machineUserId":"mu_1"}}}]`,
			[]core.FieldError{fe(c0+".componentUser.userIdentifier", "Exactly one of userId, machineUserId and emailAddress must be set")}},
		{"spacer empty", `[{"componentSpacer":{}}]`, nil},
		{"workflow button by id", `[{"componentWorkflowButton":{"workflowButtonLabel":"Run","workflowButtonWorkflowIdentifier":{"workflowId":"wf_1"}}}]`, nil},
		{"workflow button by key", `[{"componentWorkflowButton":{"workflowButtonLabel":"Run","workflowButtonWorkflowIdentifier":{"workflowId":null,"workflowKey":"refund"}}}]`, nil},
		{"row", `[{"componentRow":{"rowMainContent":[{"componentText":{"text":"a"}}],"rowAsideContent":[{"componentBadge":{"badgeLabel":"b"}},{"componentSpacer":{}}]}}]`, nil},
		{"container holding a row", `[{"componentContainer":{"containerContent":[{"componentDivider":{}},{"componentRow":{"rowMainContent":[{"componentPlainText":{"plainText":"a"}}],"rowAsideContent":[{"componentCopyButton":{"copyButtonValue":"x"}}]}}]}}]`, nil},
		{"limits exactly reached", `[{"componentText":{"text":` + long(10000) + `}},{"componentBadge":{"badgeLabel":` + long(500) + `}},{"componentCopyButton":{"copyButtonValue":` + long(1000) + `}}]`, nil},
		{"label length counted after trimming", `[{"componentBadge":{"badgeLabel":"  ` + strings.Repeat("a", 500) + `  "}}]`, nil},

		// Required fields missing or blank.
		{"text missing", `[{"componentText":{}}]`, []core.FieldError{fe(text+".text", "Required")}},
		{"text null", `[{"componentText":{"text":null}}]`, []core.FieldError{fe(text+".text", "Required")}},
		{"text blank", `[{"componentText":{"text":" \n\t"}}]`, []core.FieldError{fe(text+".text", "Required")}},
		{"plain text missing", `[{"componentPlainText":{"plainText":""}}]`, []core.FieldError{fe(c0+".componentPlainText.plainText", "Required")}},
		{"badge label missing", `[{"componentBadge":{"badgeColor":"RED"}}]`, []core.FieldError{fe(c0+".componentBadge.badgeLabel", "Required")}},
		{"copy value missing", `[{"componentCopyButton":{"copyButtonTooltipLabel":"t"}}]`, []core.FieldError{fe(c0+".componentCopyButton.copyButtonValue", "Required")}},
		{"link label and url missing", `[{"componentLinkButton":{"linkButtonLabel":null,"linkButtonUrl":null,"label":null,"url":null}}]`,
			[]core.FieldError{fe(link+".linkButtonLabel", "Required"), fe(link+".linkButtonUrl", "Required")}},
		{"link blank label", `[{"componentLinkButton":{"linkButtonLabel":" ","label":"ignored","linkButtonUrl":"https://x.io"}}]`,
			[]core.FieldError{fe(link+".linkButtonLabel", "Required")}},
		{"workflow label missing", `[{"componentWorkflowButton":{"workflowButtonWorkflowIdentifier":{"workflowKey":"k"}}}]`,
			[]core.FieldError{fe(wf+".workflowButtonLabel", "Required")}},
		{"workflow identifier missing", `[{"componentWorkflowButton":{"workflowButtonLabel":"Run"}}]`,
			[]core.FieldError{fe(wfID, "Required")}},
		{"row contents missing", `[{"componentRow":{}}]`,
			[]core.FieldError{fe(row+".rowMainContent", MsgEmptyList), fe(row+".rowAsideContent", MsgEmptyList)}},
		{"row aside empty", `[{"componentRow":{"rowMainContent":[{"componentText":{"text":"a"}}],"rowAsideContent":[]}}]`,
			[]core.FieldError{fe(row+".rowAsideContent", MsgEmptyList)}},
		{"container content empty", `[{"componentContainer":{"containerContent":[]}}]`,
			[]core.FieldError{fe(box+".containerContent", MsgEmptyList)}},

		// Too long strings.
		{"text too long", `[{"componentText":{"text":` + long(10001) + `}}]`, []core.FieldError{fe(text+".text", tooLong(10000))}},
		{"plain text too long", `[{"componentPlainText":{"plainText":` + long(10001) + `}}]`, []core.FieldError{fe(c0+".componentPlainText.plainText", tooLong(10000))}},
		{"badge label too long", `[{"componentBadge":{"badgeLabel":` + long(501) + `}}]`, []core.FieldError{fe(c0+".componentBadge.badgeLabel", tooLong(500))}},
		{"copy value too long", `[{"componentCopyButton":{"copyButtonValue":` + long(1001) + `}}]`, []core.FieldError{fe(c0+".componentCopyButton.copyButtonValue", tooLong(1000))}},
		{"tooltip too long", `[{"componentCopyButton":{"copyButtonValue":"v","copyButtonTooltipLabel":` + long(501) + `}}]`, []core.FieldError{fe(c0+".componentCopyButton.copyButtonTooltipLabel", tooLong(500))}},
		{"link label too long", `[{"componentLinkButton":{"linkButtonLabel":` + long(501) + `,"linkButtonUrl":"https://x.io"}}]`, []core.FieldError{fe(link+".linkButtonLabel", tooLong(500))}},
		{"link alias label too long", `[{"componentLinkButton":{"label":` + long(501) + `,"url":"https://x.io"}}]`, []core.FieldError{fe(link+".label", tooLong(500))}},
		{"workflow label too long", `[{"componentWorkflowButton":{"workflowButtonLabel":` + long(501) + `,"workflowButtonWorkflowIdentifier":{"workflowId":"w"}}}]`, []core.FieldError{fe(wf+".workflowButtonLabel", tooLong(500))}},

		// Invalid URLs.
		{"url javascript", `[{"componentLinkButton":{"linkButtonLabel":"x","linkButtonUrl":"javascript:alert(1)"}}]`, []core.FieldError{fe(link+".linkButtonUrl", MsgInvalidURL)}},
		{"url not a url", `[{"componentLinkButton":{"linkButtonLabel":"x","linkButtonUrl":"not a url"}}]`, []core.FieldError{fe(link+".linkButtonUrl", MsgInvalidURL)}},
		{"url relative", `[{"componentLinkButton":{"linkButtonLabel":"x","linkButtonUrl":"/threads/1"}}]`, []core.FieldError{fe(link+".linkButtonUrl", MsgInvalidURL)}},
		{"url ftp", `[{"componentLinkButton":{"linkButtonLabel":"x","linkButtonUrl":"ftp://example.com"}}]`, []core.FieldError{fe(link+".linkButtonUrl", MsgInvalidURL)}},
		{"url without host", `[{"componentLinkButton":{"linkButtonLabel":"x","linkButtonUrl":"https:///path"}}]`, []core.FieldError{fe(link+".linkButtonUrl", MsgInvalidURL)}},
		{"url bad host", `[{"componentLinkButton":{"linkButtonLabel":"x","linkButtonUrl":"http://exa mple.com"}}]`, []core.FieldError{fe(link+".linkButtonUrl", MsgInvalidURL)}},
		{"url via alias", `[{"componentLinkButton":{"label":"x","url":"mailto:a@b.co"}}]`, []core.FieldError{fe(link+".url", MsgInvalidURL)}},

		// Workflow identifier: exactly one of id and key.
		{"workflow identifier none", `[{"componentWorkflowButton":{"workflowButtonLabel":"Run","workflowButtonWorkflowIdentifier":{"workflowId":null,"workflowKey":null}}}]`,
			[]core.FieldError{fe(wfID, MsgWorkflowIdentifier)}},
		{"workflow identifier both", `[{"componentWorkflowButton":{"workflowButtonLabel":"Run","workflowButtonWorkflowIdentifier":{"workflowId":"w","workflowKey":"k"}}}]`,
			[]core.FieldError{fe(wfID, MsgWorkflowIdentifier)}},
		{"workflow key blank", `[{"componentWorkflowButton":{"workflowButtonLabel":"Run","workflowButtonWorkflowIdentifier":{"workflowKey":"  "}}}]`,
			[]core.FieldError{fe(wfID+".workflowKey", "Required")}},

		// Nesting rules.
		{"container inside container", `[{"componentContainer":{"containerContent":[{"componentContainer":{"containerContent":[{"componentText":{"text":"a"}}]}}]}}]`,
			[]core.FieldError{fe(box+".containerContent.0.componentContainer", "componentContainer is not allowed inside componentContainer")}},
		{"row inside row", `[{"componentRow":{"rowMainContent":[{"componentRow":{"rowMainContent":[],"rowAsideContent":[]}}],"rowAsideContent":[{"componentText":{"text":"a"}}]}}]`,
			[]core.FieldError{fe(row+".rowMainContent.0.componentRow", "componentRow is not allowed inside componentRow")}},
		{"container inside row", `[{"componentRow":{"rowMainContent":[{"componentText":{"text":"a"}}],"rowAsideContent":[{"componentContainer":{"containerContent":[]}}]}}]`,
			[]core.FieldError{fe(row+".rowAsideContent.0.componentContainer", "componentContainer is not allowed inside componentRow")}},
		{"row inside container inside row refused", `[{"componentContainer":{"containerContent":[{"componentRow":{"rowMainContent":[{"componentRow":{}}],"rowAsideContent":[{"componentBadge":{"badgeLabel":""}}]}}]}}]`,
			[]core.FieldError{
				fe(box+".containerContent.0.componentRow.rowMainContent.0.componentRow", "componentRow is not allowed inside componentRow"),
				fe(box+".containerContent.0.componentRow.rowAsideContent.0.componentBadge.badgeLabel", "Required")}},

		// List sizes.
		{"empty list", `[]`, []core.FieldError{fe("components", MsgEmptyList)}},
		{"null list", `null`, []core.FieldError{fe("components", MsgEmptyList)}},
		{"100 components", list(100), nil},
		{"101 components", list(101), []core.FieldError{fe("components", "Array must contain at most 100 element(s)")}},

		// One-of violations.
		{"no key", `[{}]`, []core.FieldError{fe(c0, MsgExactlyOne)}},
		{"only nulls", `[{"componentText":null,"componentBadge":null}]`, []core.FieldError{fe(c0, MsgExactlyOne)}},
		{"two keys", `[{"componentText":{"text":"a"},"componentBadge":{"badgeLabel":"b"}}]`, []core.FieldError{fe(c0, MsgExactlyOne)}},
		{"two keys in row content", `[{"componentRow":{"rowMainContent":[{"componentText":{"text":"a"},"componentSpacer":{}}],"rowAsideContent":[{}]}}]`,
			[]core.FieldError{fe(row+".rowMainContent.0", MsgExactlyOne), fe(row+".rowAsideContent.0", MsgExactlyOne)}},
		{"container plus row in container content", `[{"componentContainer":{"containerContent":[{"componentContainer":{"containerContent":[]},"componentRow":{}}]}}]`,
			[]core.FieldError{fe(box+".containerContent.0", MsgExactlyOne)}},

		// Enum values that bypassed GraphQL (e.g. from storage or card APIs).
		{"bad text size", `[{"componentText":{"text":"a","textSize":"XXL"}}]`,
			[]core.FieldError{fe(text+".textSize", "Invalid enum value. Expected 'S' | 'M' | 'L', received 'XXL'")}},
		{"bad badge color", `[{"componentBadge":{"badgeLabel":"a","badgeColor":"PINK"}}]`,
			[]core.FieldError{fe(c0+".componentBadge.badgeColor", "Invalid enum value. Expected 'GREY' | 'GREEN' | 'YELLOW' | 'RED' | 'BLUE', received 'PINK'")}},

		// Errors are collected across items, in order.
		{"several problems", `[{"componentText":{"text":""}},{"componentSpacer":{"size":"XXS"}},{"componentBadge":{"badgeLabel":"ok"}},{}]`,
			[]core.FieldError{
				fe(text+".text", "Required"),
				fe("components.1.componentSpacer.size", "Invalid enum value. Expected 'XS' | 'S' | 'M' | 'L' | 'XL', received 'XXS'"),
				fe("components.3", MsgExactlyOne)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := Unmarshal([]byte(tt.json))
			if err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			got := fieldErrors(t, Validate("components", cs))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("field errors\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestValidateEmptyPrefix(t *testing.T) {
	cs := []Component{{Badge: &Badge{}}}
	got := fieldErrors(t, Validate("", cs))
	want := []core.FieldError{fe("0.componentBadge.badgeLabel", "Required")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// list returns a JSON list of n valid components.
func list(n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = `{"componentSpacer":{}}`
	}
	return "[" + strings.Join(items, ",") + "]"
}

// fieldErrors returns the field errors of a Validate result, checking it is
// a core validation error when not nil.
func fieldErrors(t *testing.T, err error) []core.FieldError {
	t.Helper()
	if err == nil {
		return nil
	}
	e, ok := core.AsError(err)
	if !ok {
		t.Fatalf("error %v (%T) is not a *core.Error", err, err)
	}
	if e.Kind != core.KindValidation || e.Code != core.CodeInputValidation || e.Message != core.ValidationMessage {
		t.Errorf("error = %+v, want a VALIDATION input_validation error", e)
	}
	if len(e.Fields) == 0 {
		t.Errorf("validation error without field errors")
	}
	return e.Fields
}
