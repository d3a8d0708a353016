package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/store"
)

// testPublish checks that what an Update publishes reaches subscribers of
// its topic once it commits, in order, and that nothing a rolled-back
// Update or a View published does.
func testPublish(t *testing.T, st store.Store) {
	b, ok := st.(store.Broadcaster)
	if !ok {
		t.Fatalf("the %s store carries no messages (store.Broadcaster)", st.Backend())
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch, err := b.Subscribe(ctx, "tl_test")
	if err != nil {
		t.Fatal(err)
	}
	other, _ := b.Subscribe(ctx, "tl_other")
	publish := func(msg string, fail bool) {
		t.Helper()
		err := st.Update(ctx, func(tx store.Tx) error {
			if err := tx.Publish(ctx, "tl_test", msg); err != nil {
				return err
			}
			if fail {
				return errors.New("rolled back")
			}
			return nil
		})
		if (err != nil) != fail {
			t.Fatalf("publish %s: %v", msg, err)
		}
	}
	next := func(d time.Duration) (string, bool) {
		select {
		case m := <-ch:
			return m, true
		case <-time.After(d):
			return "", false
		}
	}
	// The subscription may take a moment to reach the database.
	for i := 0; ; i++ {
		publish(fmt.Sprint("ping", i), false)
		if m, ok := next(200 * time.Millisecond); ok && m == fmt.Sprint("ping", i) {
			break
		}
		if i > 50 {
			t.Fatal("the subscription never received anything")
		}
	}
	for len(ch) > 0 {
		<-ch
	}
	publish("a", false)
	publish("x", true)
	publish("b", false)
	if err := st.View(ctx, func(tx store.Tx) error { return tx.Publish(ctx, "tl_test", "view") }); err == nil {
		t.Error("a View published")
	}
	for _, want := range []string{"a", "b"} {
		if got, ok := next(5 * time.Second); !ok || got != want {
			t.Fatalf("received %q (%v), want %q", got, ok, want)
		}
	}
	if m, ok := next(300 * time.Millisecond); ok {
		t.Fatalf("received %q after the last message", m)
	}
	select {
	case m := <-other:
		t.Fatalf("another topic received %q", m)
	default:
	}
	cancel()
	if _, open := <-ch; open {
		t.Fatal("the channel stays open after its context ended")
	}
}
