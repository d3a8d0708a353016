package component

import (
	"testing"

	"github.com/threadline/threadline/internal/core"
)

func TestDateTimeAndUser(t *testing.T) {
	ok := []Component{{DateTime: &DateTime{DateTimeISO8601: " 2026-01-02T03:04:05+01:00 "}}}
	if err := Validate("components", ok); err != nil {
		t.Fatalf("a valid date: %v", err)
	}
	if got := Normalize(ok)[0].DateTime.DateTimeISO8601; got != "2026-01-02T02:04:05.000Z" {
		t.Errorf("normalised date %q", got)
	}
	row := []Component{{Row: &Row{RowMainContent: []Component{{DateTime: &DateTime{DateTimeISO8601: "yesterday"}}},
		RowAsideContent: []Component{{User: &User{UserIdentifier: &UserIdentifier{UserID: core.Ptr("u_1")}}}}}}}
	err := Validate("components", row)
	e, _ := core.AsError(err)
	// The user component is valid here (the service resolves its user);
	// only the date is refused.
	if e == nil || len(e.Fields) != 1 || e.Fields[0].Field != "components.0.componentRow.rowMainContent.0.componentDateTime.dateTimeIso8601" {
		t.Errorf("a bad date beside a user: %v", err)
	}
	two := []Component{{DateTime: &DateTime{DateTimeISO8601: "2026-01-02T03:04:05Z"}, Text: &Text{Text: "x"}}}
	if err := Validate("components", two); err == nil {
		t.Error("a date and a text in one component were accepted")
	}
}
