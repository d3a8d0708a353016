package core

// Ref names an entity of a workspace by its id or by another key unique
// to it (a tenant's external id, a company's domain name, a customer
// group's key …), as a request's identifier input did.
type Ref struct {
	By    RefKey
	Value string
}

// RefKey says which key of an entity a Ref gives.
type RefKey string

// The keys entities are named by.
const (
	ByID         RefKey = "id"
	ByExternalID RefKey = "externalId"
	ByDomain     RefKey = "domainName"
	ByKey        RefKey = "key"
)
