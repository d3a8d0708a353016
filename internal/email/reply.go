package email

import (
	"strings"
)

// Replies come back to the address of the thread they answer: the support
// address with the thread's id after a plus ("support+th_01h…@acme.com"),
// which every mail provider delivers to "support@acme.com". A reply whose
// client dropped In-Reply-To and References still finds its thread.

// threadPrefix is how thread ids begin (core.PrefixThread, "th").
const threadPrefix = "th_"

// ReplyAddress returns support's address for replies to threadID.
func ReplyAddress(support, threadID string) string {
	local, domain, ok := strings.Cut(support, "@")
	if !ok || threadID == "" {
		return support
	}
	if base, _, plus := strings.Cut(local, "+"); plus {
		local = base
	}
	return local + "+" + strings.ToLower(threadID) + "@" + domain
}

// SplitAddress returns the base address of addr (without a +tag) and the
// thread id its tag names, "" when it names none.
func SplitAddress(addr string) (base, threadID string) {
	addr = Normalize(addr)
	local, domain, ok := strings.Cut(addr, "@")
	if !ok {
		return addr, ""
	}
	base, tag, plus := strings.Cut(local, "+")
	if !plus {
		return addr, ""
	}
	if strings.HasPrefix(tag, threadPrefix) && len(tag) == len(threadPrefix)+26 {
		threadID = threadPrefix + strings.ToUpper(tag[len(threadPrefix):])
	}
	return base + "@" + domain, threadID
}
