package auth

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func TestSecretBox(t *testing.T) {
	k := NewSecretKey()
	b, err := NewSecretBox(k)
	if err != nil {
		t.Fatal(err)
	}
	s1, s2 := b.Seal("whsec"), b.Seal("whsec")
	if s1 == s2 || !IsSealed(s1) || strings.Contains(s1, "whsec") {
		t.Fatalf("sealed %q %q", s1, s2)
	}
	if got, err := b.Open(s1); err != nil || got != "whsec" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if got, err := b.Open("plain-legacy"); err != nil || got != "plain-legacy" {
		t.Fatalf("Open(plain) = %q, %v", got, err)
	}
	other, _ := NewSecretBox(NewSecretKey())
	if _, err := other.Open(s1); !errors.Is(err, ErrWrongSecretKey) {
		t.Fatalf("other key: %v", err)
	}
	tampered := s1[:len(s1)-2] + "AA"
	if _, err := b.Open(tampered); !errors.Is(err, ErrWrongSecretKey) {
		t.Fatalf("tampered: %v", err)
	}
	if _, err := NewSecretBox(k[:16]); err == nil {
		t.Fatal("16-byte key accepted")
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawURLEncoding} {
		if got, err := ParseSecretKey(" " + enc.EncodeToString(k) + "\n"); err != nil || string(got) != string(k) {
			t.Fatalf("ParseSecretKey: %v", err)
		}
	}
	if _, err := ParseSecretKey("c2hvcnQ="); err == nil {
		t.Fatal("short key parsed")
	}
}
