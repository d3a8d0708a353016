package model

import "github.com/threadline/threadline/internal/core"

// Company is a company as the API shows it; its account owner and tier are
// resolved on demand.
type Company struct {
	ID                        string
	Name                      string
	DomainName                string
	ContractValue             *int
	IsDeleted                 bool
	DeletedAt                 *core.Time
	DeletedBy                 InternalActor
	ThreadChannelAssociations []ThreadChannelAssociation
	CreatedAt                 core.Time
	CreatedBy                 InternalActor
	UpdatedAt                 core.Time
	UpdatedBy                 InternalActor

	AccountOwnerID *string
}
