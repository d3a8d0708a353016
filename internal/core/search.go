package core

import (
	"strings"
	"unicode"
)

// Bounds of a search: what a search term may hold, so that the query built
// from it stays small whatever the input.
const (
	MaxSearchTerms     = 8
	MaxSearchTermRunes = 64
)

// SearchTerms splits a search into the words full-text search matches, as
// both backends' indexes split text: lower-cased runs of letters and
// digits, everything else a break. Each word matches words of a document
// it begins ("prin" finds "printer"); a document must hold every word. At
// most MaxSearchTerms words of at most MaxSearchTermRunes runes are kept.
func SearchTerms(s string) []string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	var out []string
	for _, w := range words {
		if r := []rune(w); len(r) > MaxSearchTermRunes {
			w = string(r[:MaxSearchTermRunes])
		}
		if !contains(out, w) {
			out = append(out, w)
		}
		if len(out) == MaxSearchTerms {
			break
		}
	}
	return out
}

func contains(ws []string, w string) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}
