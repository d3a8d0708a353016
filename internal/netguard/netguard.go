// Package netguard keeps Threadline's outbound HTTP (webhooks, customer
// cards) away from the network it runs in: loopback, private, link-local and
// reserved addresses, in any spelling, are refused when a URL is saved and
// again when a connection is made (so DNS rebinding does not get through).
package netguard

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// BlockedError is returned when a connection would reach an address
// outbound HTTP may not reach.
type BlockedError struct{ Addr string }

func (e *BlockedError) Error() string {
	return "refused to connect to " + e.Addr + ": private, loopback and link-local addresses are not allowed"
}

// reserved are ranges no webhook target lives in: "this network",
// carrier-grade NAT, IETF protocol assignments, benchmarking, reserved
// class E and broadcast, and deprecated site-local IPv6.
var reserved = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("fec0::/10"),
}

// IPv6 ranges that carry an IPv4 address in their low 32 bits (NAT64, the
// deprecated IPv4-compatible form) or in bits 16–48 (6to4): the IPv4
// address inside is what gets reached.
var (
	embedLow32 = []netip.Prefix{
		netip.MustParsePrefix("64:ff9b::/96"),
		netip.MustParsePrefix("64:ff9b:1::/48"),
		netip.MustParsePrefix("::/96"),
	}
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// Private reports whether ip is an address webhooks must not reach unless
// allowed: loopback, private (RFC 1918, ULA), link-local, unspecified,
// multicast or reserved — including such IPv4 addresses embedded in IPv6
// (IPv4-mapped, NAT64, 6to4, IPv4-compatible).
func Private(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.Is6() {
		b := ip.As16()
		for _, p := range embedLow32 {
			if p.Contains(ip) && !ip.IsUnspecified() && !ip.IsLoopback() {
				return Private(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
			}
		}
		if sixToFour.Contains(ip) {
			return Private(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}))
		}
	}
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return true
	}
	for _, p := range reserved {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// Guard returns a net.Dialer Control function that refuses private
// addresses unless allowed. It runs on the address actually dialled, after
// DNS resolution, so a name that re-resolves to a private address (DNS
// rebinding) is still refused.
func Guard(allowPrivate bool) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		if allowPrivate {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil || Private(ap.Addr()) {
			return &BlockedError{Addr: address}
		}
		return nil
	}
}

// CheckURL vets an outbound URL when it is saved: with
// private addresses disallowed, a literal private IP, a localhost name, or a
// name that resolves to a private address is refused. A name that does not
// resolve now is accepted; connecting checks again.
func CheckURL(allowPrivate bool) func(ctx context.Context, raw string) error {
	return CheckURLFor(allowPrivate, "webhooks", "--webhook-allow-private")
}

// CheckURLFor is CheckURL for the outbound HTTP of what (e.g. "customer
// cards"), whose refusals name the flag that allows private addresses.
func CheckURLFor(allowPrivate bool, what, flag string) func(ctx context.Context, raw string) error {
	return func(ctx context.Context, raw string) error {
		if allowPrivate {
			return nil
		}
		u, err := url.Parse(raw)
		if err != nil {
			return fmt.Errorf("invalid URL")
		}
		host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
		refuse := fmt.Errorf("%s is a private, loopback or link-local address; %s may not reach it unless the server runs with %s", host, what, flag)
		if host == "localhost" || strings.HasSuffix(host, ".localhost") {
			return refuse
		}
		if ip, ok := ParseHostIP(host); ok {
			if Private(ip) {
				return refuse
			}
			return nil
		}
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil
		}
		for _, a := range addrs {
			if Private(a) {
				return refuse
			}
		}
		return nil
	}
}

// ParseHostIP reads a URL host that is an IP address in any spelling a
// resolver or browser accepts: IPv6 (with or without brackets) and IPv4 in
// the dotted quad, and also the inet_aton forms with fewer parts ("127.1",
// "0", "2130706433") and octal or hex parts ("0177.0.0.1", "0x7f000001",
// "017700000001"). ok is false for a name.
func ParseHostIP(host string) (netip.Addr, bool) {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip, true
	}
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var vals []uint64
	for _, p := range parts {
		v, ok := parseIPv4Part(p)
		if !ok {
			return netip.Addr{}, false
		}
		vals = append(vals, v)
	}
	// Every part but the last is one byte; the last fills the rest.
	var n uint64
	for _, v := range vals[:len(vals)-1] {
		if v > 0xff {
			return netip.Addr{}, false
		}
		n = n<<8 | v
	}
	rest := uint(8 * (5 - len(vals)))
	last := vals[len(vals)-1]
	if last >= 1<<rest {
		return netip.Addr{}, false
	}
	n = n<<rest | last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}

// parseIPv4Part reads one part of an inet_aton address: decimal, octal
// (leading 0) or hex (leading 0x).
func parseIPv4Part(p string) (uint64, bool) {
	base := 10
	switch {
	case p == "":
		return 0, false
	case strings.HasPrefix(p, "0x") || strings.HasPrefix(p, "0X"):
		p, base = p[2:], 16
		if p == "" {
			return 0, true
		}
	case len(p) > 1 && p[0] == '0':
		p, base = p[1:], 8
	}
	v, err := strconv.ParseUint(p, base, 32)
	return v, err == nil
}
