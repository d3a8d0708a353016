package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customercard"
	"github.com/threadline/threadline/internal/store"
)

func newCardConfig(t *testing.T, ws, key string) customercard.Config {
	t.Helper()
	c, err := customercard.New(ws, customercard.CreateInput{Title: "Card " + key, Key: key, DefaultTTLSeconds: 60,
		APIURL: "https://cards.example.com/" + key, APIHeaders: []customercard.Header{{Name: "Authorization", Value: "Bearer x"}}},
		core.SystemClock{}.Now(), core.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// testCardConfigs checks configs: keys unique per workspace, reads scoped
// to the workspace, updates, the list by order then id, and deletion.
func testCardConfigs(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	b := MustCreateWorkspace(t, st, "B")
	usage, plan := newCardConfig(t, a.ID, "usage"), newCardConfig(t, a.ID, "plan")
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, c := range []customercard.Config{usage, plan, newCardConfig(t, b.ID, "usage")} {
			if err := tx.CreateCardConfig(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateCardConfig(ctx, newCardConfig(t, a.ID, "usage")) }); !errors.Is(err, core.ErrDuplicate) {
		t.Errorf("a second config with key usage: %v, want ErrDuplicate", err)
	}
	first := plan
	first.Order, first.IsEnabled, first.APIHeaders, first.UpdatedAt = 1, false, []customercard.Header{}, plan.UpdatedAt.Add(time.Minute)
	mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateCardConfig(ctx, first) })
	mustUpdate(t, st, func(tx store.Tx) error { // Lock* needs a read-write transaction
		if got, err := tx.ListCardConfigs(ctx, a.ID); err != nil || !reflect.DeepEqual(got, []customercard.Config{first, usage}) {
			t.Errorf("ListCardConfigs = %+v, %v; want plan (order 1) then usage", got, err)
		}
		if got, err := tx.GetCardConfig(ctx, a.ID, usage.ID); err != nil || !reflect.DeepEqual(got, usage) {
			t.Errorf("GetCardConfig = %+v, %v", got, err)
		}
		if got, err := tx.LockCardConfig(ctx, a.ID, usage.ID); err != nil || !reflect.DeepEqual(got, usage) {
			t.Errorf("LockCardConfig = %+v, %v", got, err)
		}
		if _, err := tx.GetCardConfig(ctx, b.ID, usage.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("GetCardConfig through B: %v", err)
		}
		return nil
	})
	clash := first
	clash.Key = "usage"
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.UpdateCardConfig(ctx, clash) }); !errors.Is(err, core.ErrDuplicate) {
		t.Errorf("changing a key to a taken one: %v, want ErrDuplicate", err)
	}
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.DeleteCardConfig(ctx, b.ID, usage.ID) }); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("deleting A's config through B: %v", err)
	}
}

// testCardInstances checks instances: one per config, customer and thread
// (or none), replaced by the next save, and gone with their config.
func testCardInstances(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	c := NewCustomer(a.ID, "C", "c@example.com")
	cfg := newCardConfig(t, a.ID, "usage")
	th := newThread(a.ID, c.ID, 1)
	now := core.SystemClock{}.Now()
	loaded := customercard.NewInstance(cfg, c.ID, nil, customercard.Outcome{TTLSeconds: 60,
		Components: []component.Component{{Text: &component.Text{Text: "Plan: pro"}}}}, now, core.SystemActor)
	inThread := customercard.NewInstance(cfg, c.ID, &th.ID, customercard.Outcome{Error: &customercard.ErrorDetail{
		Kind: customercard.ErrTimeout, Message: "slow", TimeoutSeconds: 15}}, now, core.SystemActor)
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, err := range []error{tx.CreateCustomer(ctx, c), tx.CreateCardConfig(ctx, cfg), tx.CreateThread(ctx, th),
			tx.SaveCardInstance(ctx, loaded), tx.SaveCardInstance(ctx, inThread)} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	read := func(threadID *string) []customercard.Instance {
		var out []customercard.Instance
		mustView(t, st, func(tx store.Tx) (err error) {
			out, err = tx.CardInstances(ctx, a.ID, c.ID, threadID)
			return err
		})
		return out
	}
	if got := read(nil); !reflect.DeepEqual(got, []customercard.Instance{loaded}) {
		t.Errorf("instances of no thread = %+v, want %+v", got, loaded)
	}
	if got := read(&th.ID); !reflect.DeepEqual(got, []customercard.Instance{inThread}) {
		t.Errorf("instances of the thread = %+v, want %+v", got, inThread)
	}
	again := customercard.NewInstance(cfg, c.ID, nil, customercard.Outcome{TTLSeconds: 30}, now.Add(time.Minute), core.SystemActor)
	mustUpdate(t, st, func(tx store.Tx) error { return tx.SaveCardInstance(ctx, again) })
	if got := read(nil); !reflect.DeepEqual(got, []customercard.Instance{again}) {
		t.Errorf("after a second save = %+v, want only %+v", got, again)
	}
	mustUpdate(t, st, func(tx store.Tx) error { return tx.DeleteCardConfig(ctx, a.ID, cfg.ID) })
	if got := read(nil); len(got) != 0 {
		t.Errorf("instances of a deleted config: %+v", got)
	}
}
