package component

import "testing"

// FuzzValidate: any JSON list of components unmarshals and validates
// without a panic.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{
		`[{"componentText":{"text":"hi","textColor":"MUTED"}}]`,
		`[{"componentContainer":{"containerContent":[{"componentRow":{"rowMainContent":[{"componentBadge":{"badgeLabel":"x"}}],"rowAsideContent":[]}}]}}]`,
		`[{"componentLinkButton":{"linkButtonLabel":"a","linkButtonUrl":"javascript:alert(1)"}}]`,
		`[{}]`, `[{"componentText":{}}]`, `[null]`, `{}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		cs, err := Unmarshal(b)
		if err != nil {
			return
		}
		_ = Validate("components", cs)
	})
}
