package main

import (
	"context"
	"fmt"
	"io"

	"github.com/threadline/threadline/internal/config"
)

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, "Usage: threadline user create [--workspace ID] --email E --name N")
		return errUsage
	}
	var a adminFlags
	var email, name string
	fs := newFlagSet("user create", "user create [--workspace ID] --email E --name N", stderr)
	a.register(fs, true)
	fs.StringVar(&email, "email", "", "the user's email address (unique in the workspace)")
	fs.StringVar(&name, "name", "", "the user's full name")
	if err := config.Parse(fs, args[1:]); err != nil {
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
