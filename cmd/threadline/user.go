package main

import (
	"context"
	"fmt"
	"io"

	"github.com/threadline/threadline/internal/config"
)

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return subcommands(ctx, "user", args, stdout, stderr, map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"create": userCreate,
	})
}

func userCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var a adminFlags
	var email, name string
	fs := newFlagSet("user create", "user create [--workspace ID] --email E --name N", stderr)
	a.register(fs, true)
	fs.StringVar(&email, "email", "", "the user's email address (unique in the workspace)")
	fs.StringVar(&name, "name", "", "the user's full name")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, "email", "name"); err != nil {
		return err
	}
	svc, sctx, closeFn, err := a.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	u, err := svc.CreateUser(sctx, email, name)
	if err != nil {
		return describe(err)
	}
	_, err = fmt.Fprintln(stdout, u.ID)
	return err
}
