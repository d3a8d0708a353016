package storetest

import (
	"testing"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/store"
)

// testConfigReadAfterWrites checks that GetLabelTypes and ListFieldSchemas,
// which a backend may read once per transaction, show the writes made
// before them in the same Update.
func testConfigReadAfterWrites(t *testing.T, st store.Store) {
	ws := MustCreateWorkspace(t, st, "Config")
	now := core.SystemClock{}.Now()
	lt, err := label.NewType(ws.ID, label.CreateInput{Name: "Bug"}, now, core.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	schema := field.Schema{ID: core.NewID(core.PrefixFieldSchema), WorkspaceID: ws.ID, Key: "plan", Label: "Plan",
		Type: field.TypeString, EnumValues: []string{}, CreatedAt: now, CreatedBy: core.SystemActor, UpdatedAt: now, UpdatedBy: core.SystemActor}
	mustUpdate(t, st, func(tx store.Tx) error {
		for step, want := range []int{0, 1} {
			ls, err := tx.GetLabelTypes(ctx, ws.ID, []string{lt.ID})
			if err != nil || len(ls) != want {
				t.Errorf("step %d: GetLabelTypes = %+v, %v; want %d", step, ls, err, want)
			}
			fs, err := tx.ListFieldSchemas(ctx, ws.ID)
			if err != nil || len(fs) != want {
				t.Errorf("step %d: ListFieldSchemas = %+v, %v; want %d", step, fs, err, want)
			}
			if step == 0 {
				if err := tx.CreateLabelType(ctx, lt); err != nil {
					return err
				}
				if err := tx.CreateFieldSchema(ctx, schema); err != nil {
					return err
				}
			}
		}
		if err := tx.SetLabelTypeArchived(ctx, ws.ID, lt.ID, &now, &core.SystemActor, now, core.SystemActor); err != nil {
			return err
		}
		if ls, err := tx.GetLabelTypes(ctx, ws.ID, []string{lt.ID}); err != nil || len(ls) != 1 || !ls[0].IsArchived() {
			t.Errorf("after archiving: GetLabelTypes = %+v, %v", ls, err)
		}
		if err := tx.DeleteFieldSchema(ctx, ws.ID, schema.ID); err != nil {
			return err
		}
		if fs, err := tx.ListFieldSchemas(ctx, ws.ID); err != nil || len(fs) != 0 {
			t.Errorf("after deleting: ListFieldSchemas = %+v, %v", fs, err)
		}
		return nil
	})
}
