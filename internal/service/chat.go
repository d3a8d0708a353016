package service

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/chat"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

// Error codes of messaging.
const (
	// CodeCannotReply: the thread has no channel Threadline can answer on.
	CodeCannotReply = "cannot_reply_to_thread"
	// CodeNotChatThread: chats are only exchanged on CHAT threads.
	CodeNotChatThread = "thread_is_not_a_chat"
)

// ChatInput is sendChat's and sendCustomerChat's input.
type ChatInput struct {
	CustomerID    string
	ThreadID      *string // sendChat: nil starts a new chat thread
	Text          *string
	AttachmentIDs []string
	// Timestamp, an ISO 8601 date-time in the past, dates the chat.
	Timestamp *string
}

// message is a chat to post, checked.
type message struct {
	text *string
	ids  []string
	at   core.Time
}

// checkChat validates what needs no database.
func (s *Service) checkChat(in ChatInput, now core.Time) (message, error) {
	var c core.Collector
	m := message{ids: in.AttachmentIDs}
	m.text = chat.CleanText(&c, in.Text, in.AttachmentIDs)
	m.at = timeline.CleanTimestamp(&c, "timestamp", in.Timestamp, now)
	if len(in.AttachmentIDs) > attachment.MaxPerMessage {
		c.Invalid("attachmentIds", fmt.Sprintf("Array must contain at most %d element(s)", attachment.MaxPerMessage))
	}
	return m, c.Err()
}

// SendChat sends a chat from the caller to a customer, on their CHAT
// thread or, without a thread, on a new CHAT thread. The chat, its
// timeline entry, the thread's outbound message info and the
// thread.chat_sent event are written in one transaction. Needs chat:create.
func (s *Service) SendChat(ctx context.Context, in ChatInput) (chat.Chat, error) {
	p, err := principal(ctx, auth.ChatCreate)
	if err != nil {
		return chat.Chat{}, err
	}
	m, err := s.checkChat(in, s.clock.Now())
	if err != nil {
		return chat.Chat{}, err
	}
	if in.ThreadID != nil {
		return s.postChat(ctx, p, *in.ThreadID, in.CustomerID, m, false)
	}
	return s.chatOnNewThread(ctx, p, in.CustomerID, m)
}

// SendCustomerChat posts a chat from a customer on their CHAT thread (a
// chat widget's backend writing on the customer's behalf). Like every
// message from the customer, it moves a DONE or SNOOZED thread back to
// TODO (NEW_REPLY). Needs chat:create.
func (s *Service) SendCustomerChat(ctx context.Context, in ChatInput) (chat.Chat, error) {
	p, err := principal(ctx, auth.ChatCreate)
	if err != nil {
		return chat.Chat{}, err
	}
	m, err := s.checkChat(in, s.clock.Now())
	if err != nil {
		return chat.Chat{}, err
	}
	if in.ThreadID == nil {
		return chat.Chat{}, core.RequiredField("threadId")
	}
	return s.postChat(ctx, p, *in.ThreadID, in.CustomerID, m, true)
}

// postChat posts m on a thread of a customer, from the customer (inbound)
// or from the caller.
func (s *Service) postChat(ctx context.Context, p *auth.Principal, threadID, customerID string, m message, inbound bool) (chat.Chat, error) {
	var out chat.Chat
	err := s.store.Update(ctx, func(tx store.Tx) error {
		th, err := tx.LockThread(ctx, p.WorkspaceID, threadID)
		if err != nil {
			return notFoundAs(err, "threadId", "Thread")
		}
		var c core.Collector
		switch {
		case th.CustomerID != customerID:
			c.Invalid("customerId", "The thread belongs to another customer")
		case th.Channel != thread.ChannelChat:
			return core.Conflict(CodeNotChatThread, "threadId", fmt.Sprintf("Chats are sent on CHAT threads; this thread's channel is %s.", th.Channel))
		}
		as, err := checkAttachments(ctx, tx, p.WorkspaceID, th.CustomerID, m.ids, attachment.TypeChat, &c)
		if err != nil {
			return err
		}
		if err := c.Err(); err != nil {
			return err
		}
		out, err = s.writeChat(ctx, tx, p, th, m, as, inbound)
		return err
	})
	return out, err
}

// chatOnNewThread starts a CHAT thread of a customer with m.
func (s *Service) chatOnNewThread(ctx context.Context, p *auth.Principal, customerID string, m message) (chat.Chat, error) {
	var ref int64
	if a, ok := s.store.(store.Allocator); ok {
		var err error
		if ref, err = a.Allocate(ctx, p.WorkspaceID, "thread_ref"); err != nil {
			return chat.Chat{}, err
		}
	}
	ch := thread.ChannelChat
	in := CreateThreadInput{Customer: customer.Identifier{CustomerID: &customerID}, Channel: &ch, Title: core.Ptr("")}
	if m.text != nil {
		in.Title = core.Ptr(thread.DeriveTitle(*m.text, "", ""))
	}
	var out chat.Chat
	err := s.store.Update(ctx, func(tx store.Tx) error {
		var c core.Collector
		as, err := checkAttachments(ctx, tx, p.WorkspaceID, customerID, m.ids, attachment.TypeChat, &c)
		if err != nil {
			return err
		}
		if err := c.Err(); err != nil {
			return err
		}
		created, err := s.createThread(ctx, tx, p, in, ref)
		if err != nil {
			if e, ok := core.AsError(err); ok && len(e.Fields) > 0 && strings.HasPrefix(e.Fields[0].Field, "customerIdentifier") {
				return core.NotFound("customerId", "Customer")
			}
			return err
		}
		out, err = s.writeChat(ctx, tx, p, created.Thread, m, as, false)
		return err
	})
	return out, err
}

// writeChat writes a chat on th: its timeline entry, the thread's message
// infos and preview, and its events. An inbound chat moves a DONE or
// SNOOZED thread back to TODO (NEW_REPLY), with that transition's entry
// and event.
func (s *Service) writeChat(ctx context.Context, tx store.Tx, p *auth.Principal, th thread.Thread, m message,
	as event.Attachments, inbound bool) (chat.Chat, error) {
	now := s.clock.Now()
	by := p.Actor
	if inbound {
		by = core.Actor{Type: core.ActorCustomer, ID: th.CustomerID}
	}
	c := chat.Chat{ID: core.NewID(core.PrefixChat), WorkspaceID: th.WorkspaceID, ThreadID: th.ID, CustomerID: th.CustomerID,
		Text: m.text, AttachmentIDs: m.ids, Inbound: inbound, CreatedAt: m.at, CreatedBy: by}
	e, err := c.Entry()
	if err != nil {
		return c, err
	}
	c.TimelineEntryID = e.ID
	if err := s.addEntry(ctx, tx, e, c.Payload(), as, now); err != nil {
		return c, err
	}
	info := thread.MessageInfo{At: m.at, Source: thread.SourceChat, Actor: by}
	preview := ""
	if m.text != nil {
		preview = *m.text
	}
	after, err := s.applyMessage(ctx, tx, th, info, preview, inbound, "", now)
	if err != nil {
		return c, err
	}
	ev := event.NewThreadChatSent(after, event.NewChat(c, as))
	if inbound {
		ev = event.NewThreadChatReceived(after, event.NewChat(c, as))
	}
	return c, s.emit(ctx, tx, th.WorkspaceID, by, now, ev)
}

// ReplyInput is replyToThread's input.
type ReplyInput struct {
	ThreadID      string
	Text          string
	Markdown      *string
	AttachmentIDs []string
	// AsCustomer, when set, replies on the customer's behalf
	// (impersonation; needs customer:impersonate).
	AsCustomer *customer.Identifier
	// Cc and Bcc are the additional and hidden recipients of a reply by
	// email (channelSpecificOptions.email).
	Cc, Bcc []email.ParticipantInput
}

// ReplyToThread answers on a thread's own channel: on a CHAT thread it
// sends a chat, on an EMAIL or API thread an email (see replyByEmail);
// impersonating the customer, it writes their message instead. Threads of
// other channels are refused with cannot_reply_to_thread. Needs
// thread:reply.
func (s *Service) ReplyToThread(ctx context.Context, in ReplyInput) error {
	p, err := principal(ctx, auth.ThreadReply)
	if err != nil {
		return err
	}
	if in.AsCustomer != nil {
		if err := p.Require(auth.CustomerImpersonate); err != nil {
			return err
		}
	}
	var th *thread.Thread
	var who *customer.Customer
	err = s.store.View(ctx, func(tx store.Tx) error {
		if th, err = optional(tx.GetThread(ctx, p.WorkspaceID, in.ThreadID)); err != nil || th == nil || in.AsCustomer == nil {
			return err
		}
		c, err := findCustomer(ctx, tx, p.WorkspaceID, *in.AsCustomer)
		if errors.Is(err, core.ErrNotFound) {
			return nil
		}
		who = &c
		return err
	})
	if err != nil {
		return err
	}
	if th == nil {
		return core.NotFound("threadId", "Thread")
	}
	inbound := false
	if in.AsCustomer != nil {
		if who == nil || who.ID != th.CustomerID {
			return core.NotFound("impersonation.asCustomer.customerIdentifier", "Customer")
		}
		inbound = true
	}
	if !th.Channel.CanReply() {
		return core.Conflict(CodeCannotReply, "threadId", fmt.Sprintf("Threads of channel %s cannot be replied to on this server: "+
			"only CHAT, EMAIL and API threads can.", th.Channel))
	}
	if th.Channel != thread.ChannelChat { // EMAIL and API threads are answered by email
		err := s.replyByEmail(ctx, p, th.ID, in, inbound)
		err = prefixField(err, "additionalRecipients", "channelSpecificOptions.email.additionalRecipients")
		return prefixField(err, "hiddenRecipients", "channelSpecificOptions.email.hiddenRecipients")
	}
	text := in.Text
	m, err := s.checkChat(ChatInput{Text: &text, AttachmentIDs: in.AttachmentIDs}, s.clock.Now())
	if err != nil {
		return renameField(err, "text", "textContent")
	}
	_, err = s.postChat(ctx, p, th.ID, th.CustomerID, m, inbound)
	return err
}

// prefixField renames the fields of a validation error that begin with
// from (the field itself or its subfields) to begin with to instead.
func prefixField(err error, from, to string) error {
	if e, ok := core.AsError(err); ok {
		for i, f := range e.Fields {
			if f.Field == from || strings.HasPrefix(f.Field, from+".") {
				e.Fields[i].Field = to + strings.TrimPrefix(f.Field, from)
			}
		}
	}
	return err
}

// renameField renames a field of a validation error (a shared check run
// for an input whose field has another name).
func renameField(err error, from, to string) error {
	if e, ok := core.AsError(err); ok {
		for i := range e.Fields {
			if e.Fields[i].Field == from {
				e.Fields[i].Field = to
			}
		}
	}
	return err
}
