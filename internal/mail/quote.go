package mail

import (
	"regexp"
	"strings"
)

// Mail clients mark the history they quote and the signature they add;
// where they do, the new text is what comes before. Where they do not, the
// whole text is new: nothing is ever dropped, only split.

var (
	// "On Tue, 1 Dec 2026 at 10:00, Ann <ann@example.com> wrote:", also
	// wrapped over two lines, and the common translations.
	attributionRe = regexp.MustCompile(`(?im)^(on|am|le|el|op|il)\b.{0,200}(wrote|schrieb|a écrit|escribió|schreef|ha scritto)\s*:\s*$`)
	// Outlook's separators.
	outlookRe = regexp.MustCompile(`(?im)^(-{2,}\s*original message\s*-{2,}|_{10,}\s*$|from:\s.+\n\s*(sent|date):\s)`)
)

// newText returns text up to its quoted history or signature.
func newText(text string) string {
	cut := len(text)
	for _, re := range []*regexp.Regexp{attributionRe, outlookRe} {
		if loc := re.FindStringIndex(text); loc != nil && loc[0] < cut {
			cut = loc[0]
		}
	}
	lines := strings.Split(text[:cut], "\n")
	// A trailing block of "> " lines is quoted history; "-- " starts the
	// signature (RFC 3676).
	for i, l := range lines {
		if t := strings.TrimRight(l, "\r"); t == "-- " || t == "--" {
			lines = lines[:i]
			break
		}
	}
	end := len(lines)
	for end > 0 && (strings.HasPrefix(strings.TrimSpace(lines[end-1]), ">") || strings.TrimSpace(lines[end-1]) == "") {
		end--
	}
	if end == 0 { // all quoted: keep it rather than show nothing
		return text
	}
	return strings.Join(lines[:end], "\n")
}

// htmlQuoteMarkers are where clients begin quoted history in HTML.
var htmlQuoteMarkers = []*regexp.Regexp{
	regexp.MustCompile(`(?i)<div[^>]*class="[^"]*gmail_quote`),
	regexp.MustCompile(`(?i)<blockquote[^>]*type="cite"`),
	regexp.MustCompile(`(?i)<div[^>]*id="(divRplyFwdMsg|appendonsend)"`),
	regexp.MustCompile(`(?i)<div[^>]*class="[^"]*moz-cite-prefix`),
	regexp.MustCompile(`(?i)<hr[^>]*id="stopSpelling"`),
	regexp.MustCompile(`(?i)<div[^>]*class="[^"]*(yahoo_quoted|protonmail_quote)`),
}

// newHTML returns html up to its quoted history (the sanitiser closes any
// element the cut leaves open).
func newHTML(html string) string {
	cut := len(html)
	for _, re := range htmlQuoteMarkers {
		if loc := re.FindStringIndex(html); loc != nil && loc[0] < cut {
			cut = loc[0]
		}
	}
	if strings.TrimSpace(stripTags(html[:cut])) == "" {
		return html
	}
	return html[:cut]
}

var tagRe = regexp.MustCompile(`<[^>]*>`)

func stripTags(s string) string { return tagRe.ReplaceAllString(s, "") }
