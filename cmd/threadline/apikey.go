package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/service"
)

func runAPIKey(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return subcommands(ctx, "apikey", args, stdout, stderr, map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"create": apiKeyCreate,
		"list":   apiKeyList,
		"revoke": apiKeyRevoke,
	})
}

func apiKeyCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var a adminFlags
	var name, perms, machineUser string
	fs := newFlagSet("apikey create", "apikey create [--workspace ID] --name NAME --permissions LIST|all", stderr)
	a.register(fs, true)
	fs.StringVar(&name, "name", "", "name of the key (and of the machine user created to own it)")
	fs.StringVar(&perms, "permissions", "", `comma-separated permissions ("thread:read,thread:create") or "all"`)
	fs.StringVar(&machineUser, "machine-user", "", "add the key to this existing machine user (mu_…) instead of creating one")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, "name", "permissions"); err != nil {
		return err
	}
	list, err := auth.ParseList(perms)
	if err != nil {
		return describe(err)
	}
	svc, sctx, closeFn, err := a.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	k, err := svc.CreateAPIKey(sctx, name, list, machineUser)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "# API key %s of machine user %s in workspace %s; it is shown only this once:\n",
		k.Key.ID, k.MachineUser.ID, k.Key.WorkspaceID)
	_, err = fmt.Fprintln(stdout, k.Secret)
	return err
}

func apiKeyList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return withWorkspace(ctx, "apikey list", args, stderr, func(svc *service.Service, ctx context.Context) error {
		keys, err := svc.ListAPIKeys(ctx)
		if err != nil {
			return describe(err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tMACHINE USER\tKEY\tCREATED\tREVOKED\tPERMISSIONS")
		for _, k := range keys {
			revoked := "-"
			if k.RevokedAt != nil {
				revoked = k.RevokedAt.ISO8601()
			}
			perms := make([]string, len(k.Permissions))
			for i, p := range k.Permissions {
				perms[i] = string(p)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.MachineUserID, k.Hint,
				k.CreatedAt.ISO8601(), revoked, strings.Join(perms, ","))
		}
		return tw.Flush()
	})
}

func apiKeyRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return withID(ctx, "apikey revoke", "ak_…", args, stderr, func(svc *service.Service, ctx context.Context, id string) error {
		if err := svc.RevokeAPIKey(ctx, id); err != nil {
			return describe(err)
		}
		_, err := fmt.Fprintln(stdout, "revoked", id)
		return err
	})
}
