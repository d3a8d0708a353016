package attachment

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/core"
)

func TestNewUpload(t *testing.T) {
	now := core.FromMillis(1_700_000_000_000)
	by := core.Actor{Type: core.ActorMachineUser, ID: "mu_1"}
	a, err := NewUpload(UploadInput{CustomerID: "c_1", FileName: " ../../etc/Report.PDF ", Size: 10, Type: TypeChat}, "w_1", DefaultLimits, now, by)
	if err != nil || a.FileName != "Report.PDF" || *a.Extension != "pdf" || a.MimeType != "application/pdf" ||
		a.Status != StatusPending || a.UploadExpiresAt != now.Add(DefaultUploadTTL) || !core.ValidID(a.ID, core.PrefixAttachment) {
		t.Fatalf("NewUpload: %+v, %v", a, err)
	}
	for _, c := range []struct {
		in   UploadInput
		code string
	}{
		{UploadInput{FileName: "virus.EXE", Size: 10, Type: TypeChat}, CodeFileTypeNotAllowed},
		{UploadInput{FileName: "big.png", Size: DefaultMaxBytes + 1, Type: TypeChat}, CodeFileTooLarge},
		{UploadInput{FileName: " ", Size: 10, Type: TypeChat}, core.CodeInputValidation},
		{UploadInput{FileName: "a.png", Size: 0, Type: TypeChat}, core.CodeInputValidation},
		{UploadInput{FileName: "a.png", Size: 1, Type: "FAX"}, core.CodeInputValidation},
		{UploadInput{FileName: strings.Repeat("a", 300), Size: 1, Type: TypeNote}, core.CodeInputValidation},
	} {
		if _, err := NewUpload(c.in, "w_1", DefaultLimits, now, by); !core.HasCode(err, c.code) {
			t.Errorf("NewUpload(%+v) = %v, want code %s", c.in, err, c.code)
		}
	}
}

func TestCheckContent(t *testing.T) {
	if err := CheckContent([]byte("MZ\x90\x00rest")); !core.HasCode(err, CodeFileTypeNotAllowed) {
		t.Errorf("a PE executable: %v", err)
	}
	if err := CheckContent([]byte("%PDF-1.7")); err != nil {
		t.Errorf("a PDF: %v", err)
	}
}

func TestTokens(t *testing.T) {
	key, other := []byte("0123456789abcdef0123456789abcdef"), []byte("another key of thirty-two bytes!")
	now := core.FromMillis(1_700_000_000_000)
	c := Claims{Purpose: PurposeUpload, WorkspaceID: "w_1", AttachmentID: "att_1", ExpiresAt: now.Add(time.Hour)}
	tok := Sign(key, c)
	if got, err := Verify(key, PurposeUpload, tok, now); err != nil || got != c {
		t.Fatalf("Verify = %+v, %v", got, err)
	}
	if _, err := Verify(key, PurposeUpload, tok, now.Add(time.Hour)); !errors.Is(err, ErrTokenExpired) {
		t.Errorf("at expiry: %v", err)
	}
	enc, sig, _ := strings.Cut(tok, ".")
	forged := Sign(key, Claims{Purpose: PurposeUpload, WorkspaceID: "w_2", AttachmentID: "att_1", ExpiresAt: c.ExpiresAt})
	fenc, _, _ := strings.Cut(forged, ".")
	for name, bad := range map[string]string{
		"other key":      Sign(other, c),
		"other purpose":  Sign(key, Claims{Purpose: PurposeDownload, WorkspaceID: "w_1", AttachmentID: "att_1", ExpiresAt: c.ExpiresAt}),
		"swapped claims": fenc + "." + sig,
		"no signature":   enc,
		"garbage":        "!!!.???",
		"empty":          "",
		"truncated sig":  tok[:len(tok)-2],
		"overlong":       strings.Repeat("a", 600) + "." + sig,
	} {
		if _, err := Verify(key, PurposeUpload, bad, now); !errors.Is(err, ErrTokenInvalid) {
			t.Errorf("%s: %v, want ErrTokenInvalid", name, err)
		}
	}
}
