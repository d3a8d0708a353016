// Package schema embeds the GraphQL schema files, one per domain, so that the
// server can publish them at /graphql/v1/schema.graphql.
package schema

import (
	"embed"
	"io/fs"
	"strings"
)

//go:embed *.graphqls
var files embed.FS

// SDL returns every schema file concatenated, in file-name order.
func SDL() string {
	names, _ := fs.Glob(files, "*.graphqls")
	var b strings.Builder
	for _, n := range names {
		data, _ := files.ReadFile(n)
		b.WriteString("# " + n + "\n")
		b.Write(data)
		b.WriteString("\n")
	}
	return b.String()
}

// Files returns each schema file's text by file name.
func Files() map[string]string {
	names, _ := fs.Glob(files, "*.graphqls")
	out := make(map[string]string, len(names))
	for _, n := range names {
		data, _ := files.ReadFile(n)
		out[n] = string(data)
	}
	return out
}
