package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
)

// AdditionalAssigneesInput names users and machine users by id.
type AdditionalAssigneesInput struct {
	UserIDs        []string
	MachineUserIDs []string
}

// actors checks the ids (at most thread.MaxAdditionalAssignees, at least
// one) and, when live is set, that each names a live user or machine user
// of the workspace; it returns them as actors, users first.
func (in AdditionalAssigneesInput) actors(ctx context.Context, tx store.Tx, ws string, live bool) ([]core.Actor, error) {
	n := len(in.UserIDs) + len(in.MachineUserIDs)
	switch {
	case n == 0:
		return nil, core.InvalidField("userIds", "At least one of userIds and machineUserIds must name someone")
	case n > thread.MaxAdditionalAssignees:
		return nil, core.InvalidField("userIds", fmt.Sprintf("At most %d additional assignees", thread.MaxAdditionalAssignees))
	}
	var c core.Collector
	var out []core.Actor
	for i, id := range in.UserIDs {
		if live {
			u, err := tx.GetUser(ctx, ws, id)
			if errors.Is(err, core.ErrNotFound) || err == nil && u.DeletedAt != nil {
				c.Add(fmt.Sprintf("userIds.%d", i), "User not found", core.FieldNotFound)
				continue
			} else if err != nil {
				return nil, err
			}
		}
		out = append(out, core.Actor{Type: core.ActorUser, ID: id})
	}
	for i, id := range in.MachineUserIDs {
		if live {
			m, err := tx.GetMachineUser(ctx, ws, id)
			if errors.Is(err, core.ErrNotFound) || err == nil && m.DeletedAt != nil {
				c.Add(fmt.Sprintf("machineUserIds.%d", i), "Machine user not found", core.FieldNotFound)
				continue
			} else if err != nil {
				return nil, err
			}
		}
		out = append(out, core.Actor{Type: core.ActorMachineUser, ID: id})
	}
	return out, c.Err()
}

// AddAdditionalAssignees loops users and machine users in on a thread
// besides its assignee; those already in stay as they are. A thread has at
// most thread.MaxAdditionalAssignees. Needs thread:assign and thread:read.
func (s *Service) AddAdditionalAssignees(ctx context.Context, threadID string, in AdditionalAssigneesInput) (thread.Thread, error) {
	return s.changeAdditionalAssignees(ctx, auth.ThreadAssign, threadID, in, true)
}

// RemoveAdditionalAssignees takes users and machine users off a thread's
// additional assignees; those not on it are ignored. Needs thread:unassign
// and thread:read.
func (s *Service) RemoveAdditionalAssignees(ctx context.Context, threadID string, in AdditionalAssigneesInput) (thread.Thread, error) {
	return s.changeAdditionalAssignees(ctx, auth.ThreadUnassign, threadID, in, false)
}

func (s *Service) changeAdditionalAssignees(ctx context.Context, perm auth.Permission, threadID string, in AdditionalAssigneesInput, add bool) (thread.Thread, error) {
	p, err := principal(ctx, perm, auth.ThreadRead)
	if err != nil {
		return thread.Thread{}, err
	}
	var out thread.Thread
	err = s.store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.LockThread(ctx, p.WorkspaceID, threadID)
		if err != nil {
			return notFoundAs(err, "threadId", "Thread")
		}
		out = cur
		who, err := in.actors(ctx, tx, p.WorkspaceID, add)
		if err != nil {
			return err
		}
		before, err := tx.AdditionalAssigneesOfThreads(ctx, p.WorkspaceID, []string{cur.ID})
		if err != nil {
			return err
		}
		now := s.clock.Now()
		changed, err := s.applyAdditional(ctx, tx, cur, before, who, add, now, p.Actor)
		if err != nil || !changed {
			return err
		}
		parts, err := s.readParts(ctx, tx, cur) // the assignees as changed
		if err != nil {
			return err
		}
		prev := parts
		if prev.AdditionalAssignees, err = assigneeBodies(ctx, tx, cur.WorkspaceID, before); err != nil {
			return err
		}
		next := cur.Touch(now, p.Actor)
		if err := tx.UpdateThread(ctx, next); err != nil {
			return err
		}
		out = next
		c := event.ThreadChange{Thread: event.NewThread(next, parts), PreviousThread: event.NewThread(cur, prev)}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewThreadAdditionalAssigneesTransitioned(c))
	})
	return out, err
}

// applyAdditional adds (or removes) who to (from) th's additional assignees,
// which are before, and reports whether anything changed.
func (s *Service) applyAdditional(ctx context.Context, tx store.Tx, th thread.Thread, before []thread.AdditionalAssignee,
	who []core.Actor, add bool, now core.Time, by core.Actor) (bool, error) {
	has := map[core.Actor]bool{}
	for _, a := range before {
		has[a.Assignee] = true
	}
	n, changed := len(before), false
	for _, a := range who {
		switch {
		case add && !has[a]:
			if n++; n > thread.MaxAdditionalAssignees {
				return false, core.InvalidField("threadId", fmt.Sprintf("A thread has at most %d additional assignees", thread.MaxAdditionalAssignees))
			}
			if err := tx.AddAdditionalAssignee(ctx, thread.AdditionalAssignee{WorkspaceID: th.WorkspaceID, ThreadID: th.ID,
				Assignee: a, CreatedAt: now, CreatedBy: by}); err != nil {
				return false, err
			}
		case !add && has[a]:
			if err := tx.RemoveAdditionalAssignee(ctx, th.WorkspaceID, th.ID, a); err != nil {
				return false, err
			}
		default:
			continue
		}
		has[a], changed = add, true
	}
	return changed, nil
}

// assigneeBodies shows additional assignees as webhooks do.
func assigneeBodies(ctx context.Context, tx store.Tx, ws string, as []thread.AdditionalAssignee) ([]event.Assignee, error) {
	out := make([]event.Assignee, len(as))
	for i, a := range as {
		var err error
		if out[i], err = assigneeBody(ctx, tx, ws, a.Assignee); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AdditionalAssigneesOfThreads loads threads' additional assignees for
// batched resolution, each thread's in the order they were added. Needs
// thread:read; reading who they are needs user:read or machineUser:read.
func (s *Service) AdditionalAssigneesOfThreads(ctx context.Context, threadIDs []string) (map[string][]core.Actor, error) {
	p, err := principal(ctx, auth.ThreadRead)
	if err != nil {
		return nil, err
	}
	out := map[string][]core.Actor{}
	err = s.store.View(ctx, func(tx store.Tx) error {
		as, err := tx.AdditionalAssigneesOfThreads(ctx, p.WorkspaceID, dedupe(threadIDs))
		for _, a := range as {
			out[a.ThreadID] = append(out[a.ThreadID], a.Assignee)
		}
		return err
	})
	return out, err
}
