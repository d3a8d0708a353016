package component

import (
	"regexp"
	"strings"
	"unicode"
)

// PreviewMaxLength is the length, in runes, of a thread's preview text.
const PreviewMaxLength = 500

// PreviewText returns the text a thread preview shows for cs: the text of
// every text and plain text component, rows and containers included, in
// document order (a row's main content before its aside content), joined by
// a single space. Markdown in text components is reduced to its visible text
// (links to their label; bold, italic and backslash escapes removed); plain
// text is taken verbatim. Runs of whitespace collapse to one space, the
// result has no leading or trailing space, and it holds at most max runes
// (max <= 0 means no limit). Truncation cuts at a rune, not a word, and adds
// no ellipsis.
func PreviewText(cs []Component, max int) string {
	p := previewer{max: max}
	p.walk(cs)
	return p.b.String()
}

// previewer accumulates whitespace-collapsed text up to max runes.
type previewer struct {
	b       strings.Builder
	max     int
	n       int  // runes written
	space   bool // a separator is due before the next non-space rune
	stopped bool // max reached: nothing more is written
}

func (p *previewer) walk(cs []Component) {
	for _, c := range cs {
		if p.stopped {
			return
		}
		switch {
		case c.Text != nil:
			p.write(stripMarkdown(c.Text.Text))
		case c.PlainText != nil:
			p.write(c.PlainText.PlainText)
		case c.Row != nil:
			p.walk(c.Row.RowMainContent)
			p.walk(c.Row.RowAsideContent)
		case c.Container != nil:
			p.walk(c.Container.ContainerContent)
		}
	}
}

// write appends s, collapsing whitespace, after a separator from any text
// written before.
func (p *previewer) write(s string) {
	if p.n > 0 {
		p.space = true
	}
	for _, r := range s {
		if unicode.IsSpace(r) {
			p.space = p.n > 0
			continue
		}
		need := 1
		if p.space {
			need = 2
		}
		if p.max > 0 && p.n+need > p.max {
			p.stopped = true
			return
		}
		if p.space {
			p.b.WriteByte(' ')
			p.n++
			p.space = false
		}
		p.b.WriteRune(r)
		p.n++
	}
}

var (
	// mdEscape matches a backslash escape of ASCII punctuation.
	mdEscape = regexp.MustCompile("\\\\[!-/:-@\\[-`{-~]")
	// mdLink matches [label](destination) and keeps the label.
	mdLink = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	// mdStars matches **strong** and *emphasis*, which may sit inside words.
	mdStars = regexp.MustCompile(`(?s)\*\*(\S(?:.*?\S)?)\*\*|\*(\S(?:.*?\S)?)\*`)
	// mdUnderscores matches __strong__ and _emphasis_, which may not sit
	// inside words (snake_case stays as it is).
	mdUnderscores = regexp.MustCompile(`(?s)(^|[^\p{L}\p{N}_])(?:__(\S(?:.*?\S)?)__|_(\S(?:.*?\S)?)_)($|[^\p{L}\p{N}_])`)
)

// escapeBase is where escaped punctuation is parked (in Unicode's private use
// area) while emphasis is stripped, so that \* and \_ stay literal.
const escapeBase = 0xE000

// stripMarkdown reduces the markdown subset of text components (bold,
// italic, links) to its visible text. It is a best-effort reduction for
// previews, not a markdown parser.
func stripMarkdown(s string) string {
	if !strings.ContainsAny(s, `\[*_`) {
		return s
	}
	park := !strings.ContainsFunc(s, isParked)
	if park {
		s = mdEscape.ReplaceAllStringFunc(s, func(m string) string {
			return string(rune(escapeBase + int(m[1])))
		})
	}
	s = mdLink.ReplaceAllString(s, "$1")
	// Repeat so nested and adjacent spans, whose delimiters a single
	// non-overlapping pass can miss, are stripped too.
	for range 4 {
		t := mdStars.ReplaceAllString(s, "$1$2")
		t = mdUnderscores.ReplaceAllString(t, "$1$2$3$4")
		if t == s {
			break
		}
		s = t
	}
	if !park {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isParked(r) {
			return r - escapeBase
		}
		return r
	}, s)
}

func isParked(r rune) bool { return r >= escapeBase && r < escapeBase+0x80 }
