package event

// The payloads of the webhook events: each is the `payload` of Plain's
// webhook of its type. Build them with their New functions, which set
// EventType; a thread event is ordered by its thread, a customer event by
// its customer.

// ThreadCreatedPayload is the payload of thread.thread_created.
type ThreadCreatedPayload struct {
	EventType Type   `json:"eventType"`
	Thread    Thread `json:"thread"`
}

// NewThreadCreated is the event of th's creation.
func NewThreadCreated(th Thread) ThreadCreatedPayload {
	return ThreadCreatedPayload{EventType: ThreadCreated, Thread: th}
}

// Type is thread.thread_created.
func (ThreadCreatedPayload) Type() Type { return ThreadCreated }

// OrderKey is the thread's id.
func (p ThreadCreatedPayload) OrderKey() string { return p.Thread.ID }

// ThreadChange is what the payload of every change of an existing thread
// shows: the thread after the change and as it was before.
type ThreadChange struct {
	Thread         Thread `json:"thread"`
	PreviousThread Thread `json:"previousThread"`
}

// OrderKey is the thread's id.
func (c ThreadChange) OrderKey() string { return c.Thread.ID }

// ThreadStatusTransitionedPayload is the payload of
// thread.thread_status_transitioned.
type ThreadStatusTransitionedPayload struct {
	EventType Type `json:"eventType"`
	ThreadChange
}

// NewThreadStatusTransitioned is the event of a change of a thread's status.
func NewThreadStatusTransitioned(c ThreadChange) ThreadStatusTransitionedPayload {
	return ThreadStatusTransitionedPayload{EventType: ThreadStatusTransitioned, ThreadChange: c}
}

// Type is thread.thread_status_transitioned.
func (ThreadStatusTransitionedPayload) Type() Type { return ThreadStatusTransitioned }

// ThreadAssignmentTransitionedPayload is the payload of
// thread.thread_assignment_transitioned.
type ThreadAssignmentTransitionedPayload struct {
	EventType Type `json:"eventType"`
	ThreadChange
}

// NewThreadAssignmentTransitioned is the event of a change of a thread's
// assignee.
func NewThreadAssignmentTransitioned(c ThreadChange) ThreadAssignmentTransitionedPayload {
	return ThreadAssignmentTransitionedPayload{EventType: ThreadAssignmentTransitioned, ThreadChange: c}
}

// Type is thread.thread_assignment_transitioned.
func (ThreadAssignmentTransitionedPayload) Type() Type { return ThreadAssignmentTransitioned }

// ThreadPriorityChangedPayload is the payload of thread.thread_priority_changed.
type ThreadPriorityChangedPayload struct {
	EventType Type `json:"eventType"`
	ThreadChange
}

// NewThreadPriorityChanged is the event of a change of a thread's priority.
func NewThreadPriorityChanged(c ThreadChange) ThreadPriorityChangedPayload {
	return ThreadPriorityChangedPayload{EventType: ThreadPriorityChanged, ThreadChange: c}
}

// Type is thread.thread_priority_changed.
func (ThreadPriorityChangedPayload) Type() Type { return ThreadPriorityChanged }

// LabelsChange says how a thread's labels changed.
type LabelsChange string

// The label changes Plain's webhooks name.
const (
	LabelsAdded   LabelsChange = "ADDED"
	LabelsRemoved LabelsChange = "REMOVED"
)

// ThreadLabelsChangedPayload is the payload of thread.thread_labels_changed.
type ThreadLabelsChangedPayload struct {
	EventType Type `json:"eventType"`
	ThreadChange
	ChangeType LabelsChange `json:"changeType"`
}

// NewThreadLabelsChanged is the event of labels added to or removed from a
// thread.
func NewThreadLabelsChanged(c ThreadChange, how LabelsChange) ThreadLabelsChangedPayload {
	return ThreadLabelsChangedPayload{EventType: ThreadLabelsChanged, ThreadChange: c, ChangeType: how}
}

// Type is thread.thread_labels_changed.
func (ThreadLabelsChangedPayload) Type() Type { return ThreadLabelsChanged }

// ThreadFieldCreatedPayload is the payload of thread.thread_field_created.
type ThreadFieldCreatedPayload struct {
	EventType Type `json:"eventType"`
	ThreadChange
	ThreadField ThreadField `json:"threadField"`
}

// NewThreadFieldCreated is the event of a thread's first value of a field.
func NewThreadFieldCreated(c ThreadChange, f ThreadField) ThreadFieldCreatedPayload {
	return ThreadFieldCreatedPayload{EventType: ThreadFieldCreated, ThreadChange: c, ThreadField: f}
}

// Type is thread.thread_field_created.
func (ThreadFieldCreatedPayload) Type() Type { return ThreadFieldCreated }

// ThreadFieldUpdatedPayload is the payload of thread.thread_field_updated.
type ThreadFieldUpdatedPayload struct {
	EventType Type `json:"eventType"`
	ThreadChange
	ThreadField         ThreadField `json:"threadField"`
	PreviousThreadField ThreadField `json:"previousThreadField"`
}

// NewThreadFieldUpdated is the event of a change of a thread's value of a
// field from prev to f.
func NewThreadFieldUpdated(c ThreadChange, f, prev ThreadField) ThreadFieldUpdatedPayload {
	return ThreadFieldUpdatedPayload{EventType: ThreadFieldUpdated, ThreadChange: c, ThreadField: f, PreviousThreadField: prev}
}

// Type is thread.thread_field_updated.
func (ThreadFieldUpdatedPayload) Type() Type { return ThreadFieldUpdated }

// ThreadFieldDeletedPayload is the payload of thread.thread_field_deleted.
type ThreadFieldDeletedPayload struct {
	EventType Type `json:"eventType"`
	ThreadChange
	PreviousThreadField ThreadField `json:"previousThreadField"`
}

// NewThreadFieldDeleted is the event of the removal of a thread's value
// prev of a field.
func NewThreadFieldDeleted(c ThreadChange, prev ThreadField) ThreadFieldDeletedPayload {
	return ThreadFieldDeletedPayload{EventType: ThreadFieldDeleted, ThreadChange: c, PreviousThreadField: prev}
}

// Type is thread.thread_field_deleted.
func (ThreadFieldDeletedPayload) Type() Type { return ThreadFieldDeleted }

// CustomerCreatedPayload is the payload of customer.customer_created.
type CustomerCreatedPayload struct {
	EventType Type     `json:"eventType"`
	Customer  Customer `json:"customer"`
}

// NewCustomerCreated is the event of c's creation.
func NewCustomerCreated(c Customer) CustomerCreatedPayload {
	return CustomerCreatedPayload{EventType: CustomerCreated, Customer: c}
}

// Type is customer.customer_created.
func (CustomerCreatedPayload) Type() Type { return CustomerCreated }

// OrderKey is the customer's id.
func (p CustomerCreatedPayload) OrderKey() string { return p.Customer.ID }

// CustomerUpdatedPayload is the payload of customer.customer_updated.
type CustomerUpdatedPayload struct {
	EventType        Type     `json:"eventType"`
	Customer         Customer `json:"customer"`
	PreviousCustomer Customer `json:"previousCustomer"`
}

// NewCustomerUpdated is the event of a change of a customer from prev to c.
func NewCustomerUpdated(c, prev Customer) CustomerUpdatedPayload {
	return CustomerUpdatedPayload{EventType: CustomerUpdated, Customer: c, PreviousCustomer: prev}
}

// Type is customer.customer_updated.
func (CustomerUpdatedPayload) Type() Type { return CustomerUpdated }

// OrderKey is the customer's id.
func (p CustomerUpdatedPayload) OrderKey() string { return p.Customer.ID }

// CustomerDeletedPayload is the payload of customer.customer_deleted.
type CustomerDeletedPayload struct {
	EventType        Type     `json:"eventType"`
	PreviousCustomer Customer `json:"previousCustomer"`
}

// NewCustomerDeleted is the event of the deletion of prev.
func NewCustomerDeleted(prev Customer) CustomerDeletedPayload {
	return CustomerDeletedPayload{EventType: CustomerDeleted, PreviousCustomer: prev}
}

// Type is customer.customer_deleted.
func (CustomerDeletedPayload) Type() Type { return CustomerDeleted }

// OrderKey is the deleted customer's id.
func (p CustomerDeletedPayload) OrderKey() string { return p.PreviousCustomer.ID }
