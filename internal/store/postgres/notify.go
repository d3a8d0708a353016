package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/sqldb"
)

var _ store.Broadcaster = (*Store)(nil)

// listener carries NOTIFY messages of the topics this process subscribes
// to from PostgreSQL to the process's subscribers, on a connection of its
// own (LISTEN holds its connection), reconnecting when it drops.
type listener struct {
	url      string
	db       *sql.DB // sends NOTIFY (the counts pool: synchronous_commit off)
	sendOnce sync.Once
	sendMu   sync.RWMutex // held to send on outbox; closing takes it whole
	closed   bool
	outbox   chan sqldb.Message
	sent     chan struct{} // closed when the sender has sent everything
	hub      *sqldb.Hub
	once     sync.Once
	changed  chan struct{} // a topic was added
	stop     context.CancelFunc
	done     chan struct{}
}

func newListener(url string, db *sql.DB) *listener {
	return &listener{url: url, db: db, outbox: make(chan sqldb.Message, 4096), sent: make(chan struct{}), hub: sqldb.NewHub(),
		changed: make(chan struct{}, 1), done: make(chan struct{})}
}

// Subscribe implements store.Broadcaster.
func (s *Store) Subscribe(ctx context.Context, topic string) (<-chan string, error) {
	l := s.listen
	l.once.Do(func() {
		lctx, cancel := context.WithCancel(context.Background())
		l.stop = cancel
		go l.run(lctx)
	})
	ch := l.hub.Subscribe(ctx, topic)
	select {
	case l.changed <- struct{}{}:
	default:
	}
	return ch, nil
}

// close stops listening, and sends what is still queued (a CLI run exits
// right after its change: its message must not be lost with it).
func (l *listener) close() {
	if l.stop != nil {
		l.stop()
		<-l.done
		l.stop = nil
	}
	l.sendMu.Lock()
	if l.closed { // closing twice closes once
		l.sendMu.Unlock()
		return
	}
	l.closed = true
	close(l.outbox)
	l.sendMu.Unlock()
	l.sendOnce.Do(func() { go l.sender() })
	select {
	case <-l.sent:
	case <-time.After(3 * time.Second):
	}
}

// run keeps a connection listening to every subscribed topic.
func (l *listener) run(ctx context.Context) {
	defer close(l.done)
	for ctx.Err() == nil {
		if err := l.session(ctx); err != nil && ctx.Err() == nil {
			select { // the database went away: try again shortly
			case <-time.After(time.Second):
			case <-ctx.Done():
			}
		}
	}
}

// session listens on one connection until it fails or ctx ends.
func (l *listener) session(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, l.url)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	listening := map[string]bool{}
	for {
		for _, t := range l.hub.Topics() {
			if !listening[t] {
				if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{t}.Sanitize()); err != nil {
					return err
				}
				listening[t] = true
			}
		}
		wctx, cancel := context.WithCancel(ctx)
		go func() {
			select {
			case <-l.changed:
				cancel()
			case <-wctx.Done():
			}
		}()
		n, err := conn.WaitForNotification(wctx)
		interrupted := wctx.Err() != nil && ctx.Err() == nil
		cancel()
		switch {
		case err == nil:
			l.hub.Deliver(sqldb.Message{Topic: n.Channel, Payload: n.Payload})
		case interrupted && errors.Is(err, context.Canceled):
			// A new topic: LISTEN to it, then wait again. pgx closes a
			// connection whose wait was cancelled, so start afresh.
			if conn.IsClosed() {
				return nil
			}
		default:
			return err
		}
	}
}

// send hands messages of a committed transaction to the sender, which
// NOTIFYs them in batches on the counts pool (no wait for the disk: a
// message lost in a crash is a message a subscriber would have missed
// anyway). A full queue drops them: delivery is best effort.
func (l *listener) send(msgs []sqldb.Message) {
	l.sendOnce.Do(func() { go l.sender() })
	l.sendMu.RLock()
	defer l.sendMu.RUnlock()
	if l.closed {
		return
	}
	for _, m := range msgs {
		select {
		case l.outbox <- m:
		default:
		}
	}
}

// sender NOTIFYs queued messages, up to a hundred in one statement.
func (l *listener) sender() {
	defer close(l.sent)
	for m := range l.outbox {
		batch := []sqldb.Message{m}
	fill:
		for len(batch) < 100 {
			select {
			case m := <-l.outbox:
				batch = append(batch, m)
			default:
				break fill
			}
		}
		q, args := "SELECT", make([]any, 0, 2*len(batch))
		for i, m := range batch {
			if i > 0 {
				q += ","
			}
			q += fmt.Sprintf(" pg_notify($%d, $%d)", 2*i+1, 2*i+2)
			args = append(args, m.Topic, m.Payload)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, _ = l.db.ExecContext(ctx, q, args...)
		cancel()
	}
}
