//! Generated log corpora for busflow-pii: `clean` lines carry no personal
//! data but every shape that fools naive detectors (epoch + year, HDFS block
//! ids, UUIDs, snowflake and order ids, versions, durations, hashes, MAC
//! addresses, documentation-range IPs); `dense` lines carry one or more
//! values of every detector. Deterministic: the same seed gives the same
//! bytes. Shared by the false-positive test, the benchmarks and the
//! `pii-corpus` example.

// Each user (tests, benchmarks, `pii-corpus`) takes a part of it.
#[path = "realistic.rs"]
#[allow(dead_code)]
pub mod realistic;

/// One line of the realistic corpus's mix of families (its text only).
pub fn realistic_line(rng: &mut Rng) -> String {
    realistic::mixed_line(rng).text
}

/// A small deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (any value).
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// An index in `0..n`.
    pub fn index(&mut self, n: usize) -> usize {
        usize::try_from(self.below(u64::try_from(n).unwrap_or(u64::MAX))).unwrap_or(0)
    }

    /// A decimal digit's value.
    pub fn digit(&mut self) -> u8 {
        u8::try_from(self.below(10)).unwrap_or(0)
    }

    /// `n` decimal digits.
    pub fn digits(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from(b'0' + self.digit())).collect()
    }

    fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b"0123456789abcdef"[self.index(16)]))
            .collect()
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.index(items.len())]
    }

    fn uuid(&mut self) -> String {
        format!(
            "{}-{}-4{}-a{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(3),
            self.hex(3),
            self.hex(12)
        )
    }
}

fn timestamp(rng: &mut Rng) -> String {
    format!(
        "2026-11-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        1 + rng.below(28),
        rng.below(24),
        rng.below(60),
        rng.below(60),
        rng.below(1000)
    )
}

fn doc_ip(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => format!("192.0.2.{}", rng.below(256)),
        1 => format!("198.51.100.{}", rng.below(256)),
        2 => format!("203.0.113.{}", rng.below(256)),
        _ => format!("2001:db8::{:x}", rng.below(65536)),
    }
}

/// One log line without personal data (no trailing newline).
// One arm per line template: a table, long by nature.
#[allow(clippy::too_many_lines)]
pub fn clean_line(rng: &mut Rng) -> String {
    let epoch = 1_100_000_000 + rng.below(700_000_000);
    match rng.below(12) {
        0 => format!(
            "{} - - [23/Nov/2026:{:02}:{:02}:{:02} +0000] \"GET /api/v1/trips/{}?page={}&sort=asc HTTP/1.1\" {} {} \"-\" \"Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.{}.{}\"",
            doc_ip(rng),
            rng.below(24),
            rng.below(60),
            rng.below(60),
            rng.uuid(),
            rng.below(40),
            rng.pick(&["200", "201", "304", "404", "503"]),
            rng.below(100_000),
            rng.below(9999),
            rng.below(999)
        ),
        1 => format!(
            "ts={} level={} service={} trace_id={} span_id={} msg=\"booking confirmed\" booking_id={} tenant_id={} duration_ms={}",
            timestamp(rng),
            rng.pick(&["info", "warn", "debug"]),
            rng.pick(&["booking", "billing", "dispatch", "gateway"]),
            rng.hex(32),
            rng.hex(16),
            rng.uuid(),
            rng.below(5000),
            rng.below(30_000)
        ),
        2 => format!(
            "- {epoch} 2005.06.{:02} R{:02}-M1-N{}-C:J{:02}-U11 2005-06-{:02}-15.42.50.{} R02-M1-N0-C:J12-U11 RAS KERNEL INFO {} {}",
            1 + rng.below(28),
            rng.below(64),
            rng.below(16),
            rng.below(18),
            1 + rng.below(28),
            rng.digits(6),
            rng.pick(&[
                "instruction cache parity error corrected",
                "generating core.",
                "ciod: failed to read message prefix"
            ]),
            epoch
        ),
        3 => format!(
            "0811{:02} {} {} INFO dfs.DataNode$PacketResponder: PacketResponder {} for block blk_{}{} terminating",
            rng.below(30),
            rng.digits(6),
            rng.below(1000),
            rng.below(3),
            rng.pick(&["-", ""]),
            1 + rng.below(9_000_000_000_000_000_000)
        ),
        4 => format!(
            "{} ERROR [worker-{}] java.lang.IllegalStateException: order {} rejected\n\tat com.busflow.booking.Service.handle(Service.java:{})",
            timestamp(rng),
            rng.below(64),
            1_850_000_000_000_000_000 + rng.below(100_000_000_000_000_000),
            rng.below(2000)
        ),
        5 => format!(
            "{} INFO image pulled name=registry.busflow.app/dispatch:v{}.{}.{} digest=sha256:{} container={} took {}.{}s",
            timestamp(rng),
            rng.below(5),
            rng.below(40),
            rng.below(20),
            rng.hex(64),
            rng.hex(12),
            rng.below(120),
            rng.digits(3)
        ),
        6 => format!(
            "{} WARN slow query duration={}ms rows={} statement_id={} plan_hash={} epoch_ms={} at={} {}",
            timestamp(rng),
            rng.below(100_000),
            rng.below(1_000_000),
            rng.digits(12),
            rng.hex(16),
            1_700_000_000_000 + rng.below(100_000_000_000),
            epoch,
            2000 + rng.below(27)
        ),
        7 => format!(
            "{} INFO invoice INV-2026-{} amount=EUR {}.{:02} order_id=ORD-{}-{} sku=SKU-{}{}-{} ref={}",
            timestamp(rng),
            rng.digits(8),
            rng.below(100_000),
            rng.below(100),
            2020 + rng.below(7),
            rng.digits(8),
            rng.pick(&["AB", "DE", "GB", "FR", "NL"]),
            rng.digits(2),
            rng.digits(4),
            rng.digits(10)
        ),
        8 => format!(
            "{} DEBUG dhcp lease mac={:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x} iface=eth{} gw={} mtu={} vlan={}",
            timestamp(rng),
            rng.below(256),
            rng.below(256),
            rng.below(256),
            rng.below(256),
            rng.below(256),
            rng.below(256),
            rng.below(4),
            doc_ip(rng),
            1400 + rng.below(100),
            rng.below(4096)
        ),
        9 => format!(
            "{} INFO build go{}.{}.{} postgres {}.{} kernel 6.{}.{}-{}-amd64 uptime {}h{}m{}s load {}.{} {}.{} commit {}",
            timestamp(rng),
            1,
            20 + rng.below(5),
            rng.below(10),
            12 + rng.below(6),
            rng.below(10),
            rng.below(12),
            rng.below(100),
            rng.below(30),
            rng.below(1000),
            rng.below(60),
            rng.below(60),
            rng.below(16),
            rng.digits(2),
            rng.below(16),
            rng.digits(2),
            rng.hex(40)
        ),
        10 => format!(
            "{} INFO metrics counters={} {} {} {} {} {} batch={}-{}-{} seq={}",
            timestamp(rng),
            rng.digits(4),
            rng.digits(4),
            rng.digits(4),
            rng.digits(4),
            rng.digits(3),
            rng.digits(5),
            rng.digits(4),
            rng.digits(2),
            rng.digits(2),
            rng.digits(16)
        ),
        _ => format!(
            "{{\"ts\":\"{}\",\"level\":\"info\",\"msg\":\"trip assigned\",\"trip_id\":\"{}\",\"vehicle\":\"B-BF {}\",\"lat\":52.{},\"lon\":13.{},\"eta_s\":{},\"client\":\"{}\"}}",
            timestamp(rng),
            rng.uuid(),
            rng.below(9999),
            rng.digits(6),
            rng.digits(6),
            rng.below(3600),
            doc_ip(rng)
        ),
    }
}

/// A valid card number of 16 digits (Luhn completed).
fn card(rng: &mut Rng) -> String {
    let prefix = rng.pick(&["4", "51", "55", "2221", "6011", "3528"]);
    let mut digits: Vec<u8> = prefix.bytes().map(|b| b - b'0').collect();
    while digits.len() < 15 {
        digits.push(rng.digit());
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let v = u32::from(*d) * if i % 2 == 0 { 2 } else { 1 };
            if v > 9 { v - 9 } else { v }
        })
        .sum();
    digits.push(u8::try_from((10 - sum % 10) % 10).unwrap_or(0));
    digits.iter().map(|d| char::from(b'0' + d)).collect()
}

/// One log line with personal data of every kind (no trailing newline).
pub fn dense_line(rng: &mut Rng) -> String {
    let user = rng.pick(&["ann", "bob.meier", "c.schmidt", "dora+billing"]);
    match rng.below(4) {
        0 => format!(
            "ts={} level=info msg=\"payment\" card={} email={user}@example.com ip=85.{}.{}.{} amount=EUR {}",
            timestamp(rng),
            card(rng),
            rng.below(256),
            rng.below(256),
            1 + rng.below(254),
            rng.below(1000)
        ),
        1 => format!(
            "{} INFO sepa mandate iban=DE89 3704 0044 0532 0130 00 phone=+49 30 {} from 2a01:4f8:c17:{:x}::{:x}",
            timestamp(rng),
            1_000_000 + rng.below(8_999_999),
            rng.below(65536),
            1 + rng.below(65535)
        ),
        2 => format!(
            "{} GET https://app.busflow.app/reset?user={}&email={user}%40example.com&token={} 200 auth=\"Bearer {}\" charge via sk_live_{}",
            timestamp(rng),
            rng.below(10_000),
            rng.hex(24),
            rng.hex(32),
            rng.hex(24)
        ),
        _ => format!(
            "{{\"ts\":\"{}\",\"user\":\"{user}@example.org\",\"tel\":\"0170-{}\",\"pan\":\"{}\",\"jwt\":\"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.{}\"}}",
            timestamp(rng),
            1_000_000 + rng.below(8_999_999),
            card(rng),
            rng.hex(43)
        ),
    }
}

/// `bytes` of newline-terminated lines from `line`, seeded with `seed`.
pub fn corpus(bytes: usize, seed: u64, line: fn(&mut Rng) -> String) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(bytes + 512);
    while out.len() < bytes {
        out.extend_from_slice(line(&mut rng).as_bytes());
        out.push(b'\n');
    }
    out
}
