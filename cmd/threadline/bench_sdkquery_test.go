package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// sdkGraphQLDir is where the installed SDK keeps its documents (test/sdk's
// `npm ci` installs it).
var sdkGraphQLDir = filepath.Join("..", "..", "test", "sdk", "node_modules", "@team-plain", "typescript-sdk", "src", "graphql")

var (
	fragmentDefRe    = regexp.MustCompile(`(?m)^fragment (\w+) on `)
	fragmentSpreadRe = regexp.MustCompile(`\.\.\.([A-Za-z_]\w*)`)
)

// assembleSDKQuery builds the wire document of the SDK's query file name:
// the query, then every fragment it uses, directly or not, by name.
func assembleSDKQuery(dir, name string) (string, error) {
	q, err := os.ReadFile(filepath.Join(dir, "queries", name))
	if err != nil {
		return "", err
	}
	files, err := filepath.Glob(filepath.Join(dir, "fragments", "*.gql"))
	if err != nil {
		return "", err
	}
	frags := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		s := string(b)
		locs := fragmentDefRe.FindAllStringSubmatchIndex(s, -1)
		for i, l := range locs {
			end := len(s)
			if i+1 < len(locs) {
				end = locs[i+1][0]
			}
			frags[s[l[2]:l[3]]] = strings.TrimSpace(s[l[0]:end])
		}
	}
	used := map[string]bool{}
	var visit func(text string)
	visit = func(text string) {
		for _, m := range fragmentSpreadRe.FindAllStringSubmatch(text, -1) {
			if n := m[1]; n != "on" && !used[n] {
				used[n] = true
				visit(frags[n])
			}
		}
	}
	visit(string(q))
	parts := []string{strings.TrimSpace(string(q))}
	for _, n := range slices.Sorted(func(yield func(string) bool) {
		for n := range used {
			if !yield(n) {
				return
			}
		}
	}) {
		if frags[n] == "" {
			return "", os.ErrNotExist
		}
		parts = append(parts, frags[n])
	}
	return strings.Join(parts, "\n\n") + "\n", nil
}

// TestSDKThreadsQuery checks that the embedded copy of the SDK's threads
// document is what the installed SDK sends (THREADLINE_UPDATE_SDK_QUERY=1
// rewrites the copy). It skips when test/sdk has no node_modules.
func TestSDKThreadsQuery(t *testing.T) {
	if _, err := os.Stat(sdkGraphQLDir); err != nil {
		t.Skipf("the SDK is not installed (run npm ci in test/sdk): %v", err)
	}
	want, err := assembleSDKQuery(sdkGraphQLDir, "threads.gql")
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("THREADLINE_UPDATE_SDK_QUERY") == "1" {
		if err := os.WriteFile(filepath.Join("benchdata", "sdk_threads.graphql"), []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if sdkThreadsQuery != want {
		t.Fatalf("benchdata/sdk_threads.graphql differs from the installed SDK's threads.gql and fragments; "+
			"rerun with THREADLINE_UPDATE_SDK_QUERY=1\nwant:\n%s", want)
	}
	for _, f := range []string{"ThreadParts", "PageInfoParts", "DateTimeParts", "ActorParts"} {
		if !strings.Contains(sdkThreadsQuery, "fragment "+f+" on ") {
			t.Errorf("fragment %s missing", f)
		}
	}
}
