package core

import (
	"fmt"
	"strconv"
	"time"
)

// Time is an instant with millisecond precision, the precision of Plain's
// DateTime. Store and API code pass Time around, never time.Time, so that a
// value read back equals the value written.
type Time struct{ ms int64 }

// At returns t truncated to milliseconds.
func At(t time.Time) Time { return Time{ms: t.UnixMilli()} }

// FromMillis returns the instant ms milliseconds after the Unix epoch.
func FromMillis(ms int64) Time { return Time{ms: ms} }

// Millis returns milliseconds since the Unix epoch.
func (t Time) Millis() int64 { return t.ms }

// Std returns t as a UTC time.Time.
func (t Time) Std() time.Time { return time.UnixMilli(t.ms).UTC() }

// IsZero reports whether t is the zero instant (the Unix epoch is not used as a value).
func (t Time) IsZero() bool { return t.ms == 0 }

// ISO8601 formats t as Plain does: UTC, milliseconds, "Z".
func (t Time) ISO8601() string { return t.Std().Format("2006-01-02T15:04:05.000Z") }

// UnixString returns milliseconds since the epoch as a decimal string.
func (t Time) UnixString() string { return strconv.FormatInt(t.ms, 10) }

// Add returns t+d.
func (t Time) Add(d time.Duration) Time { return Time{ms: t.ms + d.Milliseconds()} }

// ParseISO8601 parses an RFC 3339 timestamp (as clients send in filters).
func ParseISO8601(s string) (Time, error) {
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return Time{}, err
	}
	return At(v), nil
}

// Clock tells the time; tests substitute a fixed one.
type Clock interface{ Now() Time }

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current instant.
func (SystemClock) Now() Time { return At(time.Now()) }

// MarshalJSON encodes t as milliseconds since the epoch, the form stored
// payloads keep it in.
func (t Time) MarshalJSON() ([]byte, error) { return strconv.AppendInt(nil, t.ms, 10), nil }

// UnmarshalJSON decodes what MarshalJSON encodes.
func (t *Time) UnmarshalJSON(b []byte) error {
	ms, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("core.Time: %w", err)
	}
	t.ms = ms
	return nil
}
