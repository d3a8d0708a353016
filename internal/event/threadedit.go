package event

import "github.com/threadline/threadline/internal/label"

// The payloads of the outbox-only events of thread edits Plain's webhooks
// have no event for (title, customer, external id, deletion), and of label
// type updates. They need no order: no webhook delivers them.

// ThreadEditedPayload is the payload of thread.thread_title_changed,
// thread.thread_customer_changed, thread.thread_external_id_changed and
// thread.thread_additional_assignees_transitioned: the thread after the
// edit and before it.
type ThreadEditedPayload struct {
	EventType Type `json:"eventType"`
	ThreadChange
}

// NewThreadTitleChanged is the event of a change of a thread's title.
func NewThreadTitleChanged(c ThreadChange) ThreadEditedPayload {
	return ThreadEditedPayload{EventType: ThreadTitleChanged, ThreadChange: c}
}

// NewThreadCustomerChanged is the event of a thread's move to another
// customer.
func NewThreadCustomerChanged(c ThreadChange) ThreadEditedPayload {
	return ThreadEditedPayload{EventType: ThreadCustomerChanged, ThreadChange: c}
}

// NewThreadExternalIDChanged is the event of a change of a thread's
// external id.
func NewThreadExternalIDChanged(c ThreadChange) ThreadEditedPayload {
	return ThreadEditedPayload{EventType: ThreadExternalIDChanged, ThreadChange: c}
}

// NewThreadAdditionalAssigneesTransitioned is the event of a change of a
// thread's additional assignees.
func NewThreadAdditionalAssigneesTransitioned(c ThreadChange) ThreadEditedPayload {
	return ThreadEditedPayload{EventType: ThreadAdditionalAssigneesTransitioned, ThreadChange: c}
}

// Type is the payload's event type.
func (p ThreadEditedPayload) Type() Type { return p.EventType }

// OrderKey is "": no webhook delivers these events.
func (ThreadEditedPayload) OrderKey() string { return "" }

// ThreadDeletedPayload is the payload of thread.thread_deleted: the thread
// as it was.
type ThreadDeletedPayload struct {
	EventType      Type   `json:"eventType"`
	PreviousThread Thread `json:"previousThread"`
}

// NewThreadDeleted is the event of th's deletion.
func NewThreadDeleted(th Thread) ThreadDeletedPayload {
	return ThreadDeletedPayload{EventType: ThreadDeleted, PreviousThread: th}
}

// Type is thread.thread_deleted.
func (ThreadDeletedPayload) Type() Type { return ThreadDeleted }

// OrderKey is "": no webhook delivers thread deletions.
func (ThreadDeletedPayload) OrderKey() string { return "" }

// LabelTypeUpdatedPayload is the payload of labelType.label_type_updated:
// the label type as changed.
type LabelTypeUpdatedPayload struct {
	EventType Type `json:"eventType"`
	LabelType
}

// NewLabelTypeUpdated is the event of a change of t (t as changed).
func NewLabelTypeUpdated(t label.Type) LabelTypeUpdatedPayload {
	return LabelTypeUpdatedPayload{EventType: LabelTypeUpdated, LabelType: NewLabelType(t)}
}

// Type is labelType.label_type_updated.
func (LabelTypeUpdatedPayload) Type() Type { return LabelTypeUpdated }

// OrderKey is "": label type events need no order.
func (LabelTypeUpdatedPayload) OrderKey() string { return "" }
