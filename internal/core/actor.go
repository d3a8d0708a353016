package core

// ActorType names who did something.
type ActorType string

// The actor types of Plain's Actor union.
const (
	ActorUser            ActorType = "user"
	ActorMachineUser     ActorType = "machineUser"
	ActorSystem          ActorType = "system"
	ActorCustomer        ActorType = "customer"
	ActorDeletedCustomer ActorType = "deletedCustomer"
)

// Actor is who performed a change: a user, a machine user (API key), the
// system, or a customer. ID is the user/machine user/customer id or the
// system id (e.g. "job").
type Actor struct {
	Type ActorType
	ID   string
}

// SystemActor is the actor for changes Threadline makes by itself.
var SystemActor = Actor{Type: ActorSystem, ID: "system"}

// String encodes the actor as "type:id" for storage.
func (a Actor) String() string { return string(a.Type) + ":" + a.ID }

// ParseActor decodes an actor stored by String. A malformed value decodes
// to the system actor, so a read never fails on it.
func ParseActor(s string) Actor {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return Actor{Type: ActorType(s[:i]), ID: s[i+1:]}
		}
	}
	return SystemActor
}

// MarshalText encodes the actor as String does, so that stored JSON
// payloads keep actors as "type:id".
func (a Actor) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText decodes what MarshalText encodes (see ParseActor).
func (a *Actor) UnmarshalText(b []byte) error {
	*a = ParseActor(string(b))
	return nil
}
