package email

import (
	"bytes"
	"fmt"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// markdown renders CommonMark with GitHub's extensions (tables,
// strikethrough, autolinks). It is safe by default: raw HTML in the
// source is left out and links with dangerous schemes (javascript:) are
// dropped, so what an agent writes cannot script the customer's client.
var markdown = goldmark.New(goldmark.WithExtensions(extension.GFM))

// RenderMarkdown returns the HTML version of an outgoing email written in
// markdown.
func RenderMarkdown(src string) (string, error) {
	var b bytes.Buffer
	if err := markdown.Convert([]byte(src), &b); err != nil {
		return "", fmt.Errorf("email: markdown: %w", err)
	}
	return b.String(), nil
}
