package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/threadline/threadline/internal/config"
)

func runWebhook(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "Usage: threadline webhook deliveries|replay [flags]")
		return errUsage
	}
	switch args[0] {
	case "deliveries":
		return webhookDeliveries(ctx, args[1:], stdout, stderr)
	case "replay":
		return webhookReplay(ctx, args[1:], stdout, stderr)
	}
	return fmt.Errorf("%w: unknown webhook command %q", errUsage, args[0])
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
		if d.Status == "PENDING" {
			next = d.NextAttemptAt.ISO8601()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", d.ID, d.TargetID, d.EventID, d.EventType, d.Status,
			d.Attempts, next, d.LastError)
	}
	return tw.Flush()
}

func webhookReplay(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var a adminFlags
	fs := newFlagSet("webhook replay", "webhook replay [--workspace ID] DELIVERY_ID", stderr)
	a.register(fs, true)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("%w: give the id (whDelivery_…) of the delivery to replay", errUsage)
	}
	id := fs.Arg(0)
	if err := config.Parse(fs, nil); err != nil {
		return err
	}
	svc, sctx, closeFn, err := a.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	d, err := svc.ReplayDelivery(sctx, id)
	if err != nil {
		return describe(err)
	}
	_, err = fmt.Fprintln(stdout, d.ID)
	return err
}
