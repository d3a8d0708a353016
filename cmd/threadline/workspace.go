package main

import (
	"context"
	"fmt"
	"io"

	"github.com/threadline/threadline/internal/config"
)

func runWorkspace(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return subcommands(ctx, "workspace", args, stdout, stderr, map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"create": workspaceCreate,
	})
}

func workspaceCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var a adminFlags
	var name string
	fs := newFlagSet("workspace create", "workspace create --name N", stderr)
	a.register(fs, false)
	fs.StringVar(&name, "name", "", "the workspace's name")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, "name"); err != nil {
		return err
	}
	svc, sctx, closeFn, err := a.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	w, err := svc.CreateWorkspace(sctx, name)
	if err != nil {
		return describe(err)
	}
	_, err = fmt.Fprintln(stdout, w.ID)
	return err
}
