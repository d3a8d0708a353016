package service

import (
	"context"
	"errors"
	"time"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store"
)

// wakeBatch is how many threads one wake transaction handles.
const wakeBatch = 100

// Expired attachment uploads are deleted every sweepEvery, sweepBatch at a
// time.
const (
	sweepEvery = time.Minute
	sweepBatch = 500
)

// RunScheduler wakes snoozed threads when their time comes, and deletes
// attachments whose upload expired unused and sessions that expired, until
// ctx ends.
// It polls the database (at most every interval, sooner when the next wake
// is due sooner), so wake-ups survive restarts and need no coordination
// between replicas: each wake is a locked compare-and-set.
func (s *Service) RunScheduler(ctx context.Context, interval time.Duration) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	lastSweep := time.Now()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		if time.Since(lastSweep) >= sweepEvery {
			lastSweep = time.Now()
			if n, err := s.SweepAttachments(ctx, sweepBatch); err != nil && ctx.Err() == nil {
				s.log.Error("scheduler: deleting expired attachment uploads", "err", err)
			} else if n > 0 {
				s.log.Info("scheduler: deleted expired attachment uploads", "count", n)
			}
			if n, err := s.SweepSessions(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("scheduler: deleting expired sessions", "err", err)
			} else if n > 0 {
				s.log.Info("scheduler: deleted expired sessions", "count", n)
			}
		}
		wait := interval
		next, err := s.nextWake(ctx)
		switch {
		case errors.Is(err, core.ErrNotFound):
		case err != nil:
			if ctx.Err() != nil {
				return nil
			}
			s.log.Error("scheduler: reading next wake", "err", err)
		case next.Millis() <= s.clock.Now().Millis():
			n, err := s.WakeDueThreads(ctx, wakeBatch)
			if err != nil && ctx.Err() == nil {
				s.log.Error("scheduler: waking threads", "err", err)
			}
			if n > 0 {
				s.log.Info("scheduler: woke snoozed threads", "count", n)
			}
			if n == wakeBatch {
				wait = 0 // more may be due
			}
		default:
			if d := time.Duration(next.Millis()-s.clock.Now().Millis()) * time.Millisecond; d < wait {
				wait = d
			}
		}
		timer.Reset(wait)
	}
}

func (s *Service) nextWake(ctx context.Context) (core.Time, error) {
	var t core.Time
	err := s.store.View(ctx, func(tx store.Tx) (err error) {
		t, err = tx.NextWake(ctx)
		return err
	})
	return t, err
}
