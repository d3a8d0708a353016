package sqldb

import (
	"context"
	"database/sql"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/user"
)

const userCols = `id, workspace_id, email, full_name, public_name, status, deleted_at,
	created_at, created_by, updated_at, updated_by`

func scanUser(s scanner) (user.User, error) {
	var u user.User
	var del sql.NullInt64
	var cAt, uAt int64
	var cBy, uBy, status string
	err := s.Scan(&u.ID, &u.WorkspaceID, &u.Email, &u.FullName, &u.PublicName, &status, &del, &cAt, &cBy, &uAt, &uBy)
	u.Status, u.DeletedAt = user.Status(status), timePtr(del)
	u.CreatedAt, u.CreatedBy = core.FromMillis(cAt), core.ParseActor(cBy)
	u.UpdatedAt, u.UpdatedBy = core.FromMillis(uAt), core.ParseActor(uBy)
	return u, err
}

// CreateUser inserts u.
func (t *Tx) CreateUser(ctx context.Context, u user.User) error {
	_, err := t.exec(ctx, `INSERT INTO users (`+userCols+`) VALUES (`+placeholders(11)+`)`,
		u.ID, u.WorkspaceID, u.Email, u.FullName, u.PublicName, string(u.Status), nullTime(u.DeletedAt),
		u.CreatedAt.Millis(), u.CreatedBy.String(), u.UpdatedAt.Millis(), u.UpdatedBy.String())
	return err
}

// GetUser reads a user of the workspace.
func (t *Tx) GetUser(ctx context.Context, workspaceID, id string) (user.User, error) {
	u, err := scanUser(t.row(ctx, `SELECT `+userCols+` FROM users WHERE workspace_id = ? AND id = ?`, workspaceID, id))
	return u, t.wrap(err)
}

// GetUserByEmail reads a user of the workspace by normalised email.
func (t *Tx) GetUserByEmail(ctx context.Context, workspaceID, email string) (user.User, error) {
	u, err := scanUser(t.row(ctx, `SELECT `+userCols+` FROM users WHERE workspace_id = ? AND email = ?`, workspaceID, email))
	return u, t.wrap(err)
}

const machineUserCols = `id, workspace_id, full_name, public_name, description, type, deleted_at,
	created_at, created_by, updated_at, updated_by`

func scanMachineUser(s scanner) (user.MachineUser, error) {
	var m user.MachineUser
	var del sql.NullInt64
	var desc sql.NullString
	var cAt, uAt int64
	var cBy, uBy, typ string
	err := s.Scan(&m.ID, &m.WorkspaceID, &m.FullName, &m.PublicName, &desc, &typ, &del, &cAt, &cBy, &uAt, &uBy)
	m.Description, m.Type, m.DeletedAt = strPtr(desc), user.MachineUserType(typ), timePtr(del)
	m.CreatedAt, m.CreatedBy = core.FromMillis(cAt), core.ParseActor(cBy)
	m.UpdatedAt, m.UpdatedBy = core.FromMillis(uAt), core.ParseActor(uBy)
	return m, err
}

// CreateMachineUser inserts m.
func (t *Tx) CreateMachineUser(ctx context.Context, m user.MachineUser) error {
	_, err := t.exec(ctx, `INSERT INTO machine_users (`+machineUserCols+`) VALUES (`+placeholders(11)+`)`,
		m.ID, m.WorkspaceID, m.FullName, m.PublicName, nullStr(m.Description), string(m.Type), nullTime(m.DeletedAt),
		m.CreatedAt.Millis(), m.CreatedBy.String(), m.UpdatedAt.Millis(), m.UpdatedBy.String())
	return err
}

// GetMachineUser reads a machine user of the workspace.
func (t *Tx) GetMachineUser(ctx context.Context, workspaceID, id string) (user.MachineUser, error) {
	m, err := scanMachineUser(t.row(ctx, `SELECT `+machineUserCols+` FROM machine_users WHERE workspace_id = ? AND id = ?`, workspaceID, id))
	return m, t.wrap(err)
}

// GetUsers reads the users of ids that exist, in no order.
func (t *Tx) GetUsers(ctx context.Context, workspaceID string, ids []string) ([]user.User, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList("id", ids)
	rows, err := t.query(ctx, `SELECT `+userCols+` FROM users WHERE workspace_id = ? AND `+in, append([]any{workspaceID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []user.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// GetMachineUsers reads the machine users of ids that exist, in no order.
func (t *Tx) GetMachineUsers(ctx context.Context, workspaceID string, ids []string) ([]user.MachineUser, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList("id", ids)
	rows, err := t.query(ctx, `SELECT `+machineUserCols+` FROM machine_users WHERE workspace_id = ? AND `+in, append([]any{workspaceID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []user.MachineUser
	for rows.Next() {
		m, err := scanMachineUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
