package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/webhook"
)

func runWebhook(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return subcommands(ctx, "webhook", args, stdout, stderr, map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"deliveries": webhookDeliveries,
		"replay":     webhookReplay,
	})
}

func webhookDeliveries(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var a adminFlags
	var limit int
	fs := newFlagSet("webhook deliveries", "webhook deliveries [--workspace ID] [--limit N]", stderr)
	a.register(fs, true)
	fs.IntVar(&limit, "limit", 50, "how many of the most recent deliveries to list")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	svc, sctx, closeFn, err := a.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	ds, err := svc.Deliveries(sctx, limit)
	if err != nil {
		return describe(err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTARGET\tEVENT\tTYPE\tSTATUS\tATTEMPTS\tNEXT ATTEMPT\tLAST ERROR")
	for _, d := range ds {
		next := "-"
		if d.Status == webhook.Pending {
			next = d.NextAttemptAt.ISO8601()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", d.ID, d.TargetID, d.EventID, d.EventType, d.Status,
			d.Attempts, next, d.LastError)
	}
	return tw.Flush()
}

func webhookReplay(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return withID(ctx, "webhook replay", "whDelivery_…", args, stderr, func(svc *service.Service, ctx context.Context, id string) error {
		d, err := svc.ReplayDelivery(ctx, id)
		if err != nil {
			return describe(err)
		}
		_, err = fmt.Fprintln(stdout, d.ID)
		return err
	})
}
