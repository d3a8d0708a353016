package graph

import (
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/graph/model"
)

// actor presents an actor as a member of the Actor union.
func actor(a core.Actor) model.Actor {
	switch a.Type {
	case core.ActorUser:
		return model.UserActor{UserID: a.ID}
	case core.ActorMachineUser:
		return model.MachineUserActor{MachineUserID: a.ID}
	case core.ActorCustomer:
		return model.CustomerActor{CustomerID: a.ID}
	case core.ActorDeletedCustomer:
		return model.DeletedCustomerActor{CustomerID: a.ID}
	}
	return model.SystemActor{SystemID: a.ID}
}

// internalActor presents an actor as a member of the InternalActor union;
// customers cannot be internal actors, so they present as the system.
func internalActor(a core.Actor) model.InternalActor {
	switch a.Type {
	case core.ActorUser:
		return model.UserActor{UserID: a.ID}
	case core.ActorMachineUser:
		return model.MachineUserActor{MachineUserID: a.ID}
	}
	return model.SystemActor{SystemID: a.ID}
}

func actorOrNil(a *core.Actor) model.InternalActor {
	if a == nil {
		return nil
	}
	return internalActor(*a)
}
