package graph

import (
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/thread"
)

// threadFilter converts ThreadsFilter. Criteria on things Threadline does
// not have yet (SLAs, surveys, AI agents, thread links, tenant fields)
// can only match no thread, so they make the
// filter match nothing.
// Its size is bounded by thread.Filter.Check, where it meets storage.
func threadFilter(f *model.ThreadsFilter) (thread.Filter, error) {
	var out thread.Filter
	if f == nil {
		return out, nil
	}
	out.MatchNothing = f.AgentStatus != nil || f.ServiceLevelAgreements != nil || f.SurveyResponse != nil ||
		len(f.TenantFields) > 0 || len(f.ThreadLinkGroupIds) > 0 || len(f.ThreadLinkSources) > 0
	for _, a := range f.SupportEmailAddresses {
		out.SupportEmailAddresses = append(out.SupportEmailAddresses, email.Normalize(a))
	}
	if err := accountRefs(f, &out); err != nil {
		return out, err
	}
	for _, s := range f.Statuses {
		out.Statuses = append(out.Statuses, thread.Status(s))
	}
	for _, d := range f.StatusDetails {
		if d == model.StatusDetailTypeTimerExpired { // deprecated alias
			d = model.StatusDetailTypeDoneAutomaticallySet
		}
		out.StatusDetails = append(out.StatusDetails, thread.Detail(d))
	}
	for _, p := range f.Priorities {
		if !thread.ValidPriority(p) {
			return out, core.BadInput("filters.priorities must be between 0 and 3.")
		}
	}
	out.Priorities, out.AssignedToUser, out.IsAssigned = f.Priorities, f.AssignedToUser, f.IsAssigned
	out.CustomerIDs, out.LabelTypeIDs, out.ThreadIDs = f.CustomerIds, f.LabelTypeIds, f.ThreadIds
	out.ParticipantIDs, out.IsMarkedAsSpam = f.ParticipantIds, f.IsMarkedAsSpam
	for _, r := range f.Refs {
		if n, ok := thread.ParseRef(r); ok {
			out.Refs = append(out.Refs, n)
		} else {
			out.Refs = append(out.Refs, -1) // a malformed ref names no thread
		}
	}
	for _, m := range f.MessageSource {
		out.Channels = append(out.Channels, thread.Channel(m))
	}
	var err error
	if out.CreatedAt, err = timeRange("createdAt", f.CreatedAt); err != nil {
		return out, err
	}
	if out.UpdatedAt, err = timeRange("updatedAt", f.UpdatedAt); err != nil {
		return out, err
	}
	if out.StatusChangedAt, err = timeRange("statusChangedAt", f.StatusChangedAt); err != nil {
		return out, err
	}
	for _, tf := range f.ThreadFields {
		ff := thread.FieldFilter{Key: tf.Key, String: tf.StringValue, Strings: tf.StringValues, Bool: tf.BooleanValue}
		if n := tf.Number; n != nil {
			ff.NumberEq, ff.NumberGte, ff.NumberLte = n.Value, n.Gte, n.Lte
		}
		if d := tf.Date; d != nil {
			ff.DateAfter, ff.DateBefore = d.After, d.Before
		}
		out.ThreadFields = append(out.ThreadFields, ff)
	}
	for i := range f.And {
		sub, err := threadFilter(&f.And[i])
		if err != nil {
			return out, err
		}
		out.And = append(out.And, sub)
	}
	for i := range f.Or {
		sub, err := threadFilter(&f.Or[i])
		if err != nil {
			return out, err
		}
		out.Or = append(out.Or, sub)
	}
	if f.Not != nil {
		sub, err := threadFilter(f.Not)
		if err != nil {
			return out, err
		}
		out.Not = &sub
	}
	return out, nil
}

// accountRefs converts the filter's tenant, tier, company and customer
// group identifiers.
func accountRefs(f *model.ThreadsFilter, out *thread.Filter) error {
	var err error
	if out.Tenants, err = tenantRefs("filters.tenantIdentifiers", f.TenantIdentifiers); err != nil {
		return err
	}
	if out.Tiers, err = tierRefs("filters.tierIdentifiers", f.TierIdentifiers); err != nil {
		return err
	}
	if out.Companies, err = companyRefs("filters.companyIdentifiers", f.CompanyIdentifiers); err != nil {
		return err
	}
	out.CustomerGroups, err = groupRefs("filters.customerGroupIdentifiers", f.CustomerGroupIdentifiers)
	return err
}

func threadSort(s *model.ThreadsSort) thread.Sort {
	if s == nil {
		return thread.DefaultSort
	}
	out := thread.Sort{Field: thread.SortField(s.Field), Descending: s.Direction == model.SortDirectionDesc}
	if s.ThreadFieldKey != nil {
		out.FieldKey = *s.ThreadFieldKey
	}
	return out
}
