package graph

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

func TestLoaderBatchesSiblings(t *testing.T) {
	var fetches atomic.Int32
	var mu sync.Mutex
	var keysSeen []int
	l := newLoader(func(ctx context.Context, keys []int) ([]string, []error) {
		fetches.Add(1)
		mu.Lock()
		keysSeen = append(keysSeen, keys...)
		mu.Unlock()
		out := make([]string, len(keys))
		errs := make([]error, len(keys))
		for i, k := range keys {
			out[i] = strconv.Itoa(k)
			if k == 13 {
				errs[i] = errors.New("unlucky")
			}
		}
		return out, errs
	})
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := 0; i < 25; i++ { // as gqlgen starts the resolvers of a list's items
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			v, err := l.Load(ctx, k%20) // some keys asked twice
			switch {
			case k%20 == 13 && err == nil:
				t.Errorf("key 13: no error")
			case k%20 != 13 && (err != nil || v != strconv.Itoa(k%20)):
				t.Errorf("key %d: %q, %v", k%20, v, err)
			}
		}(i)
	}
	wg.Wait()
	// One fetch per key would be 20; a busy machine may split the batch a
	// few times, never into single keys.
	if n := fetches.Load(); n > 8 {
		t.Errorf("25 sibling loads of 20 keys took %d fetches; want them batched", n)
	}
	if len(keysSeen) != 20 {
		t.Errorf("fetched %d keys, want each of 20 once", len(keysSeen))
	}
	// Cached and primed keys are not fetched again.
	before := fetches.Load()
	l.Prime(99, "primed")
	if v, _ := l.Load(ctx, 99); v != "primed" {
		t.Errorf("primed value %q", v)
	}
	if v, _ := l.Load(ctx, 3); v != "3" || fetches.Load() != before {
		t.Errorf("cached load fetched again")
	}
}

func TestLoaderHonoursContext(t *testing.T) {
	block := make(chan struct{})
	l := newLoader(func(ctx context.Context, keys []int) ([]int, []error) {
		<-block
		return make([]int, len(keys)), nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Load(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled load: %v", err)
	}
	close(block)
}
