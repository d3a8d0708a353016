package core

import (
	"crypto/rand"
	"regexp"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
)

// ID prefixes of Threadline's entities, as Plain mints them.
const (
	PrefixWorkspace   = "w"
	PrefixUser        = "u"
	PrefixMachineUser = "mu"
	PrefixAPIKey      = "ak"
	PrefixCustomer    = "c"
	PrefixThread      = "th"
	PrefixLabel       = "l"
	PrefixLabelType   = "lt"
	PrefixThreadField = "tf"
	PrefixFieldSchema = "tfs"
	PrefixTimeline    = "t"
	PrefixNote        = "n"
	PrefixChat        = "ch"
	PrefixThreadEvent = "tev"
	// PrefixCustomerEvent is Threadline's: Plain's docs show no prefix of
	// its own for customer events.
	PrefixCustomerEvent = "cev"
	PrefixAttachment    = "att"
	PrefixEvent         = "pEv"
	PrefixTarget        = "whTarget"
	PrefixDelivery      = "whDelivery"
	PrefixAttempt       = "whAttempt"
	// Accounts: who the customer is.
	PrefixCompany               = "co"
	PrefixTenant                = "te"
	PrefixTier                  = "tier"
	PrefixTenantTierMembership  = "ttm"
	PrefixCompanyTierMembership = "ctm"
	PrefixCustomerGroup         = "cg"
	PrefixCardConfig            = "ccc"
	PrefixCardInstance          = "cci"
	// PrefixSession is Threadline's: sessions of signed-in users.
	PrefixSession = "ses"
)

var (
	entropyMu sync.Mutex
	entropy   = ulid.Monotonic(rand.Reader, 0)
)

// NewID returns prefix + "_" + a new ULID. IDs minted in one process sort by
// creation time, and are unique across processes.
func NewID(prefix string) string {
	entropyMu.Lock()
	id := ulid.MustNew(ulid.Timestamp(time.Now()), entropy)
	entropyMu.Unlock()
	return prefix + "_" + id.String()
}

var idPattern = regexp.MustCompile(`^([a-zA-Z]+)_[0-9ABCDEFGHJKMNPQRSTVWXYZ]{26}$`)

// ValidID reports whether id is prefix_ULID with the given prefix.
func ValidID(id, prefix string) bool {
	m := idPattern.FindStringSubmatch(id)
	return m != nil && m[1] == prefix
}
