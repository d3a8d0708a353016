package netguard

import (
	"context"
	"net/netip"
	"testing"
)

// TestCheckURL: private, loopback, link-local and reserved hosts are
// refused in every spelling, public ones accepted.
func TestCheckURL(t *testing.T) {
	check := CheckURL(false)
	for _, u := range []string{"http://127.0.0.1:8080/x", "http://localhost/x", "http://api.localhost/x", "http://10.1.2.3/",
		"http://192.168.0.1/", "http://[::1]/", "http://169.254.169.254/latest/meta-data", "http://[fe80::1]/", "http://100.64.0.1/",
		"http://[64:ff9b::a9fe:a9fe]/", "http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::1]/", "http://[::127.0.0.1]/",
		"http://[::ffff:10.0.0.1]/", "http://0.1.2.3/", "http://198.18.0.1/", "http://240.0.0.1/", "http://255.255.255.255/", "http://[fec0::1]/",
		// IPv4 spelled the ways inet_aton reads it.
		"http://0/", "http://127.1/", "http://2130706433/", "http://0x7f000001/", "http://017700000001/", "http://0177.0.0.1/",
		"http://0x7f.0x0.0x0.0x1/", "http://10.1/", "http://192.168.257/", "http://0xA9FEA9FE/", "http://127.0.0.1./"} {
		if err := check(context.Background(), u); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	for _, u := range []string{"https://93.184.216.34/hook", "https://[2606:2800:220:1:248:1893:25c8:1946]/", "https://[64:ff9b::5db8:d822]/"} {
		if err := check(context.Background(), u); err != nil {
			t.Errorf("public address %s refused: %v", u, err)
		}
	}
	if err := CheckURL(true)(context.Background(), "http://127.0.0.1/"); err != nil {
		t.Errorf("allowed private refused: %v", err)
	}
}

func TestParseHostIP(t *testing.T) {
	for host, want := range map[string]string{
		"127.0.0.1": "127.0.0.1", "127.1": "127.0.0.1", "0": "0.0.0.0", "2130706433": "127.0.0.1",
		"0x7f000001": "127.0.0.1", "017700000001": "127.0.0.1", "0177.0.0.01": "127.0.0.1", "10.1.258": "10.1.1.2",
		"[::1]": "::1", "93.184.216.34": "93.184.216.34",
	} {
		ip, ok := ParseHostIP(host)
		if !ok || ip != netip.MustParseAddr(want) {
			t.Errorf("%s: %v %v, want %s", host, ip, ok, want)
		}
	}
	for _, host := range []string{"example.com", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "08", "1..2", "4294967296", "x1"} {
		if ip, ok := ParseHostIP(host); ok {
			t.Errorf("%s parsed as %v", host, ip)
		}
	}
}
