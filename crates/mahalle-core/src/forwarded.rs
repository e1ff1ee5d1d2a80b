//! Who is really calling when Mahalle runs behind a reverse proxy. Per-IP limits must count the
//! citizen's address, not the proxy's, but `X-Forwarded-For` is whatever the client wrote unless
//! a proxy we trust wrote it. So the header is read only when the connection comes from a
//! trusted proxy, and then from the right: each trusted proxy appends the address it saw, and the
//! first address that is not a trusted proxy is the client.

use std::net::IpAddr;
use std::str::FromStr;

/// An address block such as `10.0.0.0/8`, `127.0.0.1` or `::1/128`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl FromStr for Network {
    type Err = String;

    fn from_str(s: &str) -> Result<Network, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("{s:?} is not an IP address or block"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{s:?}: the prefix length must be 0–{max}"))?,
            None => max,
        };
        Ok(Network { addr, prefix })
    }
}

impl Network {
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                masked(u32::from(net).into(), self.prefix, 32)
                    == masked(u32::from(ip).into(), self.prefix, 32)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                masked(u128::from(net), self.prefix, 128)
                    == masked(u128::from(ip), self.prefix, 128)
            }
            _ => false,
        }
    }
}

fn masked(bits: u128, prefix: u8, width: u32) -> u128 {
    if prefix == 0 {
        0
    } else {
        bits >> (width - u32::from(prefix))
    }
}

/// IPv4 addresses seen through an IPv6 socket (`::ffff:10.0.0.1`) are IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Parses a comma-separated list of trusted proxies (`MAHALLE_TRUSTED_PROXIES`).
pub fn parse_list(s: &str) -> Result<Vec<Network>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(Network::from_str)
        .collect()
}

/// The client's address: `peer` itself unless it is a trusted proxy, otherwise the right-most
/// address in the `X-Forwarded-For` values that is not a trusted proxy. A malformed entry stops
/// the walk at the last address known to be good (it cannot be told apart from a forgery).
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted: &[Network]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    let mut client = canonical(peer);
    if !is_trusted(client) {
        return client;
    }
    let hops = forwarded_for
        .iter()
        .flat_map(|h| h.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in hops.into_iter().rev() {
        let Some(ip) = parse_hop(hop) else {
            break;
        };
        client = canonical(ip);
        if !is_trusted(client) {
            break;
        }
    }
    client
}

/// One `X-Forwarded-For` entry: a bare address, `[v6]`, or either with a port.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Ok(sock) = hop.parse::<std::net::SocketAddr>() {
        return Some(sock.ip());
    }
    hop.strip_prefix('[')?.strip_suffix(']')?.parse().ok()
}

/// What limits count a client by: its IPv4 address, or the /64 network of an IPv6 one (one
/// subscriber gets a whole /64 and can use any address in it).
pub fn limit_key(ip: IpAddr) -> String {
    match canonical(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn limits_count_an_ipv6_subscriber_once() {
        use super::limit_key;
        let a: std::net::IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: std::net::IpAddr = "2001:db8:1:2:ffff:1:2:3".parse().unwrap();
        let c: std::net::IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(limit_key(a), limit_key(b));
        assert_ne!(limit_key(a), limit_key(c));
        assert_eq!(limit_key("::ffff:192.0.2.7".parse().unwrap()), "192.0.2.7");
        assert_eq!(limit_key("192.0.2.7".parse().unwrap()), "192.0.2.7");
    }

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks_parse_and_contain() {
        let n: Network = "10.0.0.0/8".parse().unwrap();
        assert!(n.contains(ip("10.200.1.2")));
        assert!(!n.contains(ip("11.0.0.1")));
        assert!(n.contains(ip("::ffff:10.0.0.9")), "v4 through a v6 socket");
        let one: Network = "127.0.0.1".parse().unwrap();
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        let v6: Network = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        let all: Network = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("8.8.8.8")) && !all.contains(ip("::1")));
        assert!("10.0.0.0/33".parse::<Network>().is_err());
        assert!("proxy.local".parse::<Network>().is_err());
        assert_eq!(parse_list(" 127.0.0.1, ::1 ,").unwrap().len(), 2);
        assert!(parse_list("127.0.0.1, nope").is_err());
    }

    #[test]
    fn untrusted_peers_are_taken_at_their_word_and_headers_ignored() {
        let trusted = parse_list("127.0.0.1").unwrap();
        assert_eq!(
            client_address(ip("5.6.7.8"), &["1.2.3.4"], &trusted),
            ip("5.6.7.8")
        );
        assert_eq!(client_address(ip("5.6.7.8"), &[], &[]), ip("5.6.7.8"));
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client() {
        let trusted = parse_list("127.0.0.1, 10.0.0.0/8").unwrap();
        // The client forged the first entry; the edge proxy appended the real address.
        let xff = ["6.6.6.6, 93.1.2.3", "10.0.0.5"];
        assert_eq!(
            client_address(ip("127.0.0.1"), &xff, &trusted),
            ip("93.1.2.3")
        );
        assert_eq!(
            client_address(ip("127.0.0.1"), &["[2a01::7]:5555"], &trusted),
            ip("2a01::7")
        );
        assert_eq!(
            client_address(ip("127.0.0.1"), &["93.1.2.3:4711"], &trusted),
            ip("93.1.2.3")
        );
        // No header: the proxy itself is all we know.
        assert_eq!(
            client_address(ip("127.0.0.1"), &[], &trusted),
            ip("127.0.0.1")
        );
        // Garbage stops the walk at the last good hop.
        assert_eq!(
            client_address(ip("127.0.0.1"), &["93.1.2.3, junk, 10.0.0.7"], &trusted),
            ip("10.0.0.7")
        );
    }
}
