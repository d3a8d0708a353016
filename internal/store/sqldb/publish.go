package sqldb

import (
	"context"
	"fmt"
	"sync"
)

// MaxPayload bounds one published message (PostgreSQL's NOTIFY takes
// less than 8,000 bytes).
const MaxPayload = 7000

// Message is one published message.
type Message struct{ Topic, Payload string }

// Publish implements store.PublishStore: messages are kept (Pending) for
// the store to deliver once its commit succeeds. (Not NOTIFY inside the
// transaction: PostgreSQL serialises the commits of notifying transactions
// on one lock, which would make every write wait for every other's disk
// flush.)
func (t *Tx) Publish(ctx context.Context, topic, payload string) error {
	if t.noWrite {
		return fmt.Errorf("publish %s: a View cannot publish", topic)
	}
	if len(payload) > MaxPayload {
		return fmt.Errorf("publish %s: payload of %d bytes is over %d", topic, len(payload), MaxPayload)
	}
	t.pending = append(t.pending, Message{Topic: topic, Payload: payload})
	return nil
}

// Pending returns the messages published since the last Mark, for the
// store to deliver after its commit.
func (t *Tx) Pending() []Message { return t.pending }

// Mark returns how many messages are pending; Rewind(mark) drops the ones
// published after it (by an Update that was rolled back).
func (t *Tx) Mark() int { return len(t.pending) }

// Rewind drops the messages published after mark, by a request rolled
// back to its savepoint, and forgets what else the request left in t.
func (t *Tx) Rewind(mark int) {
	t.pending = t.pending[:mark]
	t.endRequest()
}

// Hub fans messages out to the subscribers of this process.
type Hub struct {
	mu   sync.Mutex
	subs map[string]map[chan string]struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[string]map[chan string]struct{}{}} }

// subscriberBuffer is how many messages a subscriber may fall behind by
// before it misses some.
const subscriberBuffer = 256

// Subscribe returns a channel of the messages of topic, closed when ctx
// ends. A subscriber that falls behind misses messages rather than stall
// the publisher.
func (h *Hub) Subscribe(ctx context.Context, topic string) <-chan string {
	ch := make(chan string, subscriberBuffer)
	h.mu.Lock()
	if h.subs[topic] == nil {
		h.subs[topic] = map[chan string]struct{}{}
	}
	h.subs[topic][ch] = struct{}{}
	h.mu.Unlock()
	context.AfterFunc(ctx, func() {
		h.mu.Lock()
		delete(h.subs[topic], ch)
		h.mu.Unlock()
		close(ch)
	})
	return ch
}

// Deliver sends each message to the subscribers of its topic.
func (h *Hub) Deliver(msgs ...Message) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range msgs {
		for ch := range h.subs[m.Topic] {
			select {
			case ch <- m.Payload:
			default: // a slow subscriber misses it
			}
		}
	}
}

// Topics returns the topics that have subscribers.
func (h *Hub) Topics() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for t, subs := range h.subs {
		if len(subs) > 0 {
			out = append(out, t)
		}
	}
	return out
}
