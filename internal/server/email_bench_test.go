package server

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/bench"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/mail"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
)

// inboundMessage is a customer's message as a mail client sends it: text
// and HTML, no threading headers, so that each starts a thread.
const inboundMessage = "From: Bench Customer <bench@example.com>\r\nTo: help@bench.test\r\nSubject: Login broken %d\r\n" +
	"Message-ID: <bench-%d@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b\"\r\n\r\n" +
	"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe login button does nothing when I click it (message %d).\r\n\r\n" +
	"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>The login button does <b>nothing</b> when I click it (message %d).</p>\r\n--b--\r\n"

// BenchmarkInboundEmail receives mail over SMTP into threads: each message
// goes from go-smtp's client over a loopback connection of its own to
// Threadline's SMTP receiver, is parsed (MIME, sanitised HTML) and stored
// by service.ReceiveEmail as a new EMAIL thread of its sender with its
// email, entry and events, acknowledged (250) only once durable. On each
// backend at each bench.WriterConcurrency; run it with
// BenchmarkCreateThread to compare: go test -run '^$' -bench
// 'CreateThread|InboundEmail' ./internal/server/.
func BenchmarkInboundEmail(b *testing.B) {
	for _, bs := range benchStores {
		b.Run(bs.name, func(b *testing.B) {
			for _, c := range bench.WriterConcurrency {
				send, threads := newInboundScenario(b, bs.open(b))
				sent := 0
				b.Run(fmt.Sprintf("conc=%d", c), func(b *testing.B) {
					bench.Benchmark(b, b.N, c, send, "messages/s")
					sent += b.N
				})
				if n := threads(); n != sent {
					b.Fatalf("%d messages made %d threads", sent, n)
				}
			}
		})
	}
}

// newInboundScenario serves st's service over SMTP on loopback, with a
// support address, and returns the op that sends one message to it and
// what counts the threads of the workspace.
func newInboundScenario(b *testing.B, st store.Store) (bench.Op, func() int) {
	b.Helper()
	b.Cleanup(func() { st.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.DiscardHandler)
	svc := service.New(st, nil, log)
	ws, err := svc.EnsureDefaultWorkspace(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.AddSupportAddress(service.System(ctx, ws), "help@bench.test", "Bench"); err != nil {
		b.Fatal(err)
	}
	recv := &mail.ServiceReceiver{Svc: svc, Log: log}
	addr, done, err := mail.ListenSMTP(ctx, mail.NewSMTPServer(recv, mail.SMTPOptions{Addr: "127.0.0.1:0", Log: log}))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cancel(); <-done })
	relay := mail.Relay{Addr: addr.String(), Mode: "insecure", Timeout: 30 * time.Second}
	var seq atomic.Int64
	send := func(ctx context.Context, _ int) error {
		n := seq.Add(1)
		raw := fmt.Sprintf(inboundMessage, n, n, n, n)
		if err := relay.Send(ctx, "bench@example.com", []string{"help@bench.test"}, []byte(raw)); err != nil {
			return fmt.Errorf("message %d: %w", n, err)
		}
		return nil
	}
	threads := func() int {
		key, err := svc.CreateAPIKey(service.System(ctx, ws), "count", []auth.Permission{auth.ThreadRead}, "")
		if err != nil {
			b.Fatal(err)
		}
		list, err := svc.Threads(auth.WithPrincipal(ctx, key.Key.Principal()), thread.Filter{}, thread.Sort{}, core.PageArgs{}, true)
		if err != nil {
			b.Fatal(err)
		}
		return list.TotalCount
	}
	return send, threads
}
