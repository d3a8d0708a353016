package timeline

import (
	"fmt"
	"slices"
	"strings"

	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/thread"
)

// maxLLMText bounds the text of one entry.
const maxLLMText = 20000

// LLMText renders an entry's payload as plain text fit to paste into a
// language model: who spoke (customer or support) and what was said, or
// what changed. It returns "" when the entry has nothing to say.
func LLMText(p Payload) string {
	var s string
	switch p := p.(type) {
	case ThreadCreated:
		if t := componentText(p.Components); t != "" {
			s = "Customer: " + t
		}
	case Note:
		s = "Internal note: " + p.Text
	case Chat:
		s = "Support: "
		if p.Inbound {
			s = "Customer: "
		}
		if p.Text != nil {
			s += *p.Text
		}
		if n := len(p.AttachmentIDs); n > 0 {
			s = strings.TrimSpace(s + fmt.Sprintf(" [%d attachment(s)]", n))
		}
	case Email:
		s = emailText(p)
	case ThreadEvent:
		s = eventText("Event", p.EventBody)
	case CustomerEvent:
		s = eventText("Customer event", p.EventBody)
	case StatusTransitioned:
		s = fmt.Sprintf("Status changed from %s to %s.", statusWords(p.Previous), statusWords(p.Next))
	case AssignmentTransitioned:
		s = assignmentText(p)
	case LabelsChanged:
		s = labelsText(p)
	case PriorityChanged:
		s = fmt.Sprintf("Priority changed from %s to %s.", priorityWord(p.Previous), priorityWord(p.Next))
	}
	return cut(s, maxLLMText)
}

// cut shortens s to at most n runes, keeping its lines, adding "…" when it
// cut.
func cut(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}

// componentText is the text of components, one line per text component.
func componentText(cs []component.Component) string {
	return component.PreviewText(cs, maxLLMText)
}

func eventText(what string, e EventBody) string {
	s := what + ": " + e.Title
	if t := componentText(e.Components); t != "" {
		s += "\n" + t
	}
	return s
}

func statusWords(s StatusSnapshot) string {
	words := map[thread.Status]string{thread.StatusTodo: "Todo", thread.StatusSnoozed: "Snoozed", thread.StatusDone: "Done"}[s.Status]
	if words == "" {
		words = string(s.Status)
	}
	if s.Detail != "" {
		words += " (" + strings.ToLower(strings.ReplaceAll(string(s.Detail), "_", " ")) + ")"
	}
	return words
}

func assignmentText(p AssignmentTransitioned) string {
	name := func(a *Assignee) string {
		if a.Name != "" {
			return a.Name
		}
		return a.Actor.ID
	}
	if p.Next == nil {
		return "Thread unassigned."
	}
	return "Thread assigned to " + name(p.Next) + "."
}

func labelsText(p LabelsChanged) string {
	names := func(ls []Label) []string {
		out := make([]string, len(ls))
		for i, l := range ls {
			out[i] = l.TypeName
		}
		return out
	}
	before, after := names(p.Previous), names(p.Next)
	var added, removed []string
	for _, n := range after {
		if !slices.Contains(before, n) {
			added = append(added, n)
		}
	}
	for _, n := range before {
		if !slices.Contains(after, n) {
			removed = append(removed, n)
		}
	}
	var parts []string
	if len(added) > 0 {
		parts = append(parts, "Labels added: "+strings.Join(added, ", ")+".")
	}
	if len(removed) > 0 {
		parts = append(parts, "Labels removed: "+strings.Join(removed, ", ")+".")
	}
	return strings.Join(parts, " ")
}

func priorityWord(p int) string {
	switch p {
	case 0:
		return "urgent"
	case 1:
		return "high"
	case 2:
		return "normal"
	case 3:
		return "low"
	}
	return fmt.Sprint(p)
}

// SearchText is the text a thread is found by through an entry of its
// timeline: the words of a message exchanged with the customer (the
// components a thread was created with, a chat, an email's subject and
// its new text, without the quoted history), "" for every other entry
// (notes and events are not searched).
func SearchText(p Payload) string {
	switch p := p.(type) {
	case ThreadCreated:
		return componentText(p.Components)
	case Chat:
		if p.Text != nil {
			return *p.Text
		}
	case Email:
		var parts []string
		for _, s := range []*string{p.Subject, p.Text} {
			if s != nil && strings.TrimSpace(*s) != "" {
				parts = append(parts, *s)
			}
		}
		return strings.Join(parts, "\n")
	}
	return ""
}
