package sqldb

import (
	"context"
	"database/sql"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/user"
)

const userCols = `id, workspace_id, email, full_name, public_name, status, status_changed_at, deleted_at, deleted_by,
	created_at, created_by, updated_at, updated_by, role, password_hash IS NOT NULL`

func scanUser(s scanner) (user.User, error) {
	var u user.User
	var del, changed sql.NullInt64
	var delBy sql.NullString
	var cAt, uAt int64
	var cBy, uBy, status, role string
	err := s.Scan(&u.ID, &u.WorkspaceID, &u.Email, &u.FullName, &u.PublicName, &status, &changed, &del, &delBy,
		&cAt, &cBy, &uAt, &uBy, &role, &u.HasPassword)
	u.Role = auth.Role(role)
	u.Status, u.DeletedAt, u.DeletedBy = user.Status(status), timePtr(del), actorOf(delBy)
	u.CreatedAt, u.CreatedBy = core.FromMillis(cAt), core.ParseActor(cBy)
	u.UpdatedAt, u.UpdatedBy = core.FromMillis(uAt), core.ParseActor(uBy)
	u.StatusChangedAt = u.CreatedAt // users stored before 0008 never changed status
	if changed.Valid {
		u.StatusChangedAt = core.FromMillis(changed.Int64)
	}
	return u, err
}

func userValues(u user.User) []any {
	changed := u.StatusChangedAt
	if changed.IsZero() {
		changed = u.CreatedAt
	}
	role := u.Role
	if role == "" {
		role = auth.RoleSupport
	}
	return []any{u.ID, u.WorkspaceID, u.Email, u.FullName, u.PublicName, string(u.Status), changed.Millis(),
		nullTime(u.DeletedAt), actorPtr(u.DeletedBy), u.CreatedAt.Millis(), u.CreatedBy.String(), u.UpdatedAt.Millis(), u.UpdatedBy.String(),
		string(role)}
}

// userInsertCols are the columns CreateUser writes (no password: it is
// set by SetPassword).
const userInsertCols = `id, workspace_id, email, full_name, public_name, status, status_changed_at, deleted_at, deleted_by,
	created_at, created_by, updated_at, updated_by, role`

// CreateUser inserts u.
func (t *Tx) CreateUser(ctx context.Context, u user.User) error {
	_, err := t.exec(ctx, `INSERT INTO users (`+userInsertCols+`) VALUES (`+columnPlaceholders(userInsertCols)+`)`, userValues(u)...)
	return err
}

// UpdateUser overwrites a user's mutable columns (names, status, deletion,
// update time); its email and creation stay.
func (t *Tx) UpdateUser(ctx context.Context, u user.User) error {
	changed := u.StatusChangedAt
	if changed.IsZero() {
		changed = u.CreatedAt
	}
	return expectOne(t.exec(ctx, `UPDATE users SET full_name = ?, public_name = ?, status = ?, status_changed_at = ?,
		deleted_at = ?, deleted_by = ?, updated_at = ?, updated_by = ?, role = ? WHERE workspace_id = ? AND id = ?`,
		u.FullName, u.PublicName, string(u.Status), changed.Millis(), nullTime(u.DeletedAt), actorPtr(u.DeletedBy),
		u.UpdatedAt.Millis(), u.UpdatedBy.String(), string(u.Role), u.WorkspaceID, u.ID))
}

// ListUsers returns up to p.Limit+1 users of the workspace in creation
// order (by id).
func (t *Tx) ListUsers(ctx context.Context, workspaceID string, f user.Filter, p core.Page) ([]user.User, error) {
	conds, args := []string{"workspace_id = ?"}, []any{workspaceID}
	if f.MatchNothing {
		conds = append(conds, "1 = 0")
	}
	if f.Deleted != nil {
		if *f.Deleted {
			conds = append(conds, "deleted_at IS NOT NULL")
		} else {
			conds = append(conds, "deleted_at IS NULL")
		}
	}
	cond, kargs, tail, err := keyset([]string{"id"}, false, p, stringCursor)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(ctx, `SELECT `+userCols+` FROM users`+where(append(conds, cond)...)+tail, append(args, kargs...)...)
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

const machineUserCols = `id, workspace_id, full_name, public_name, description, type, deleted_at, deleted_by,
	created_at, created_by, updated_at, updated_by`

func scanMachineUser(s scanner) (user.MachineUser, error) {
	var m user.MachineUser
	var del sql.NullInt64
	var desc, delBy sql.NullString
	var cAt, uAt int64
	var cBy, uBy, typ string
	err := s.Scan(&m.ID, &m.WorkspaceID, &m.FullName, &m.PublicName, &desc, &typ, &del, &delBy, &cAt, &cBy, &uAt, &uBy)
	m.Description, m.Type, m.DeletedAt, m.DeletedBy = strPtr(desc), user.MachineUserType(typ), timePtr(del), actorOf(delBy)
	m.CreatedAt, m.CreatedBy = core.FromMillis(cAt), core.ParseActor(cBy)
	m.UpdatedAt, m.UpdatedBy = core.FromMillis(uAt), core.ParseActor(uBy)
	return m, err
}

// CreateMachineUser inserts m.
func (t *Tx) CreateMachineUser(ctx context.Context, m user.MachineUser) error {
	_, err := t.exec(ctx, `INSERT INTO machine_users (`+machineUserCols+`) VALUES (`+columnPlaceholders(machineUserCols)+`)`,
		m.ID, m.WorkspaceID, m.FullName, m.PublicName, nullStr(m.Description), string(m.Type), nullTime(m.DeletedAt),
		actorPtr(m.DeletedBy), m.CreatedAt.Millis(), m.CreatedBy.String(), m.UpdatedAt.Millis(), m.UpdatedBy.String())
	return err
}

// UpdateMachineUser overwrites a machine user's mutable columns.
func (t *Tx) UpdateMachineUser(ctx context.Context, m user.MachineUser) error {
	return expectOne(t.exec(ctx, `UPDATE machine_users SET full_name = ?, public_name = ?, description = ?, type = ?,
		deleted_at = ?, deleted_by = ?, updated_at = ?, updated_by = ? WHERE workspace_id = ? AND id = ?`,
		m.FullName, m.PublicName, nullStr(m.Description), string(m.Type), nullTime(m.DeletedAt), actorPtr(m.DeletedBy),
		m.UpdatedAt.Millis(), m.UpdatedBy.String(), m.WorkspaceID, m.ID))
}

// ListMachineUsers returns up to p.Limit+1 machine users of the workspace
// (of one type when typ is set) in creation order (by id).
func (t *Tx) ListMachineUsers(ctx context.Context, workspaceID string, typ *user.MachineUserType, p core.Page) ([]user.MachineUser, error) {
	conds, args := []string{"workspace_id = ?"}, []any{workspaceID}
	if typ != nil {
		conds, args = append(conds, "type = ?"), append(args, string(*typ))
	}
	cond, kargs, tail, err := keyset([]string{"id"}, false, p, stringCursor)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(ctx, `SELECT `+machineUserCols+` FROM machine_users`+where(append(conds, cond)...)+tail, append(args, kargs...)...)
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
