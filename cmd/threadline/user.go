package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/service"
)

// stdin is where --password-stdin reads (tests replace it).
var stdin io.Reader = os.Stdin

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return subcommands(ctx, "user", args, stdout, stderr, map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"create":       userCreate,
		"set-password": userSetPassword,
		"set-role":     userSetRole,
	})
}

// roleFlag registers --role, read with auth.ParseRole.
func roleFlag(fs *flag.FlagSet, def string) *string {
	return fs.String("role", def, "the user's role: owner, admin, support or viewer (what they may do in the web app)")
}

func parseRole(s string) (auth.Role, error) {
	r, ok := auth.ParseRole(s)
	if !ok {
		return "", fmt.Errorf("%w: --role must be owner, admin, support or viewer, not %q", errUsage, s)
	}
	return r, nil
}

// readPassword reads a password from the first line of r (without its line
// end), so that it never appears in a command line or shell history.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4*auth.MaxPasswordLength+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password from stdin: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("--password-stdin: no password on stdin")
	}
	return pw, auth.CheckPassword("password", pw)
}

func userCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var a adminFlags
	var email, name string
	var pwStdin bool
	fs := newFlagSet("user create", "user create [--workspace ID] --email E --name N [--role R] [--password-stdin]", stderr)
	a.register(fs, true)
	fs.StringVar(&email, "email", "", "the user's email address (unique in the workspace)")
	fs.StringVar(&name, "name", "", "the user's full name")
	role := roleFlag(fs, "support")
	fs.BoolVar(&pwStdin, "password-stdin", false, "read the user's password (to sign in to the web app) from the first line of stdin")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, "email", "name"); err != nil {
		return err
	}
	r, err := parseRole(*role)
	if err != nil {
		return err
	}
	in := service.NewUserInput{Email: email, FullName: name, Role: r}
	if pwStdin {
		pw, err := readPassword(stdin)
		if err != nil {
			return describe(err)
		}
		in.Password = &pw
	}
	svc, sctx, closeFn, err := a.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	u, err := svc.CreateUserWith(sctx, in)
	if err != nil {
		return describe(err)
	}
	_, err = fmt.Fprintln(stdout, u.ID)
	return err
}

// userByEmail opens the store and finds the user of an email in the
// chosen workspace.
func (a *adminFlags) userByEmail(ctx context.Context, stderr io.Writer, email string) (*service.Service, context.Context, string, func(), error) {
	svc, sctx, closeFn, err := a.open(ctx, stderr)
	if err != nil {
		return nil, nil, "", nil, err
	}
	u, err := svc.UserByEmail(sctx, email)
	if err == nil && u == nil {
		err = fmt.Errorf("no user with email %q in this workspace", email)
	}
	if err != nil {
		closeFn()
		return nil, nil, "", nil, err
	}
	return svc, sctx, u.ID, closeFn, nil
}

func userSetPassword(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var a adminFlags
	var email string
	var pwStdin bool
	fs := newFlagSet("user set-password", "user set-password [--workspace ID] --email E --password-stdin", stderr)
	a.register(fs, true)
	fs.StringVar(&email, "email", "", "the user's email address")
	fs.BoolVar(&pwStdin, "password-stdin", false, "read the new password from the first line of stdin (required)")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, "email"); err != nil {
		return err
	}
	if !pwStdin {
		fs.Usage()
		return fmt.Errorf("%w: --password-stdin is required (passwords are never read from the command line)", errUsage)
	}
	pw, err := readPassword(stdin)
	if err != nil {
		return describe(err)
	}
	svc, sctx, id, closeFn, err := a.userByEmail(ctx, stderr, email)
	if err != nil {
		return err
	}
	defer closeFn()
	if err := svc.SetUserPassword(sctx, id, pw); err != nil {
		return describe(err)
	}
	_, err = fmt.Fprintf(stdout, "password of %s set; their sessions are closed\n", id)
	return err
}

func userSetRole(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var a adminFlags
	var email string
	fs := newFlagSet("user set-role", "user set-role [--workspace ID] --email E --role R", stderr)
	a.register(fs, true)
	fs.StringVar(&email, "email", "", "the user's email address")
	role := roleFlag(fs, "")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, "email", "role"); err != nil {
		return err
	}
	r, err := parseRole(*role)
	if err != nil {
		return err
	}
	svc, sctx, id, closeFn, err := a.userByEmail(ctx, stderr, email)
	if err != nil {
		return err
	}
	defer closeFn()
	if _, err := svc.ChangeUserRole(sctx, id, r); err != nil {
		return describe(err)
	}
	_, err = fmt.Fprintf(stdout, "%s is now %s\n", id, r.Name())
	return err
}
