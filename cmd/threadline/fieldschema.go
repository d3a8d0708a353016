package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/service"
)

func runFieldSchema(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return subcommands(ctx, "field-schema", args, stdout, stderr, map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"create": fieldSchemaCreate,
		"list":   fieldSchemaList,
		"delete": fieldSchemaDelete,
	})
}

func fieldSchemaCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var a adminFlags
	var in field.SchemaInput
	var typ, enums string
	fs := newFlagSet("field-schema create", "field-schema create [--workspace ID] --key K --label L --type TYPE [--enum-values A,B] [--required]", stderr)
	a.register(fs, true)
	fs.StringVar(&in.Key, "key", "", "the field's key (letters, digits, _ and -), unique in the workspace")
	fs.StringVar(&in.Label, "label", "", "the field's label as agents see it")
	fs.StringVar(&in.Description, "description", "", "what the field is for")
	fs.StringVar(&typ, "type", "", "STRING, BOOL, ENUM, NUMBER, CURRENCY or DATE")
	fs.StringVar(&enums, "enum-values", "", "comma-separated values of an ENUM field")
	fs.BoolVar(&in.IsRequired, "required", false, "threads must have a value for this field")
	fs.IntVar(&in.Order, "order", 0, "position among the workspace's fields")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, "key", "label", "type"); err != nil {
		return err
	}
	in.Type = field.Type(strings.ToUpper(typ))
	for _, v := range strings.Split(enums, ",") {
		if v = strings.TrimSpace(v); v != "" {
			in.EnumValues = append(in.EnumValues, v)
		}
	}
	svc, sctx, closeFn, err := a.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	s, err := svc.CreateThreadFieldSchema(sctx, in)
	if err != nil {
		return describe(flagNames(err))
	}
	_, err = fmt.Fprintln(stdout, s.ID)
	return err
}

// flagNames renames API input paths to the CLI's flag names.
func flagNames(err error) error {
	e, ok := core.AsError(err)
	if !ok {
		return err
	}
	out := *e
	out.Fields = make([]core.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		f.Field = strings.NewReplacer("enumValues", "enum-values", "isRequired", "required").Replace(f.Field)
		out.Fields[i] = f
	}
	return &out
}

func fieldSchemaList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return withWorkspace(ctx, "field-schema list", args, stderr, func(svc *service.Service, ctx context.Context) error {
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tKEY\tTYPE\tREQUIRED\tORDER\tLABEL\tENUM VALUES")
		var after *string
		for {
			conn, err := svc.ThreadFieldSchemas(ctx, core.PageArgs{First: core.Ptr(core.MaxPageSize), After: after})
			if err != nil {
				return describe(err)
			}
			for _, e := range conn.Edges {
				s := e.Node
				fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%d\t%s\t%s\n", s.ID, s.Key, s.Type, s.IsRequired, s.Order, s.Label, strings.Join(s.EnumValues, ","))
			}
			if !conn.PageInfo.HasNextPage {
				break
			}
			after = conn.PageInfo.EndCursor
		}
		return tw.Flush()
	})
}

func fieldSchemaDelete(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return withID(ctx, "field-schema delete", "tfs_…", args, stderr, func(svc *service.Service, ctx context.Context, id string) error {
		if err := svc.DeleteThreadFieldSchema(ctx, id); err != nil {
			return describe(err)
		}
		_, err := fmt.Fprintln(stdout, "deleted", id)
		return err
	})
}
