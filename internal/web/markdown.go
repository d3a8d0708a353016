package web

import (
	"html"
	"html/template"
	"regexp"
	"strings"
)

// The markdown of text components and notes that the app renders: bold,
// italic, inline code and http(s) links. Everything else is text.
var (
	mdLink   = regexp.MustCompile(`\[([^\[\]\n]{1,500})\]\((https?://[^\s()<>"']{1,1000})\)`)
	mdBold   = regexp.MustCompile(`\*\*([^*\n]{1,1000})\*\*`)
	mdItalic = regexp.MustCompile(`(^|[\s(])[*_]([^*_\n]{1,1000})[*_]`)
	mdCode   = regexp.MustCompile("`([^`\n]{1,1000})`")
)

// markdown renders s safely: the text is HTML-escaped first, so the only
// markup in the result is what the patterns above add, around escaped
// text; link targets are http(s) URLs, escaped as attributes. Line breaks
// are kept by the stylesheet (white-space: pre-wrap).
func markdown(s string) template.HTML {
	out := html.EscapeString(s)
	// Escaping turned & into &amp; inside URLs too: the link pattern sees
	// escaped text, whose quotes and angle brackets can no longer appear.
	out = mdLink.ReplaceAllStringFunc(out, func(m string) string {
		sub := mdLink.FindStringSubmatch(m)
		return `<a href="` + sub[2] + `" rel="noopener noreferrer nofollow" target="_blank">` + sub[1] + `</a>`
	})
	out = mdCode.ReplaceAllString(out, "<code>$1</code>")
	out = mdBold.ReplaceAllString(out, "<strong>$1</strong>")
	out = mdItalic.ReplaceAllString(out, "$1<em>$2</em>")
	return template.HTML(strings.TrimSpace(out)) //nolint:gosec // built from escaped text only
}
