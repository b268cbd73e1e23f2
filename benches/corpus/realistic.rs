//! A realistic corpus: log lines in the formats this stack writes, each
//! with its ground truth (the byte span and kind of every planted value, or
//! none for a clean line). Twelve families: `NestJS` (pino JSON and the Nest
//! console format with ANSI colours), Hasura `http-log`, Traefik JSON
//! access logs, nginx combined and error logs, PostgreSQL server logs,
//! Stripe form bodies and webhook JSON, Docker's json-file wrapping, logfmt
//! and Faro browser events.
//!
//! Planted values are written as they appear in the wild: percent-encoded
//! in query strings and form bodies, JSON-escaped inside wrapped lines,
//! HTML entities in rendered markup. Every template carries confusers
//! beside its slots: Luhn-valid ids under id keys in every key syntax
//! (`order_id=`, `metadata[order_id]=`, `metadata%5Border_id%5D=`,
//! `Key (order_id)=(…)`, `plan_hash=`), Stripe object ids, invoice
//! numbers, versions in product tokens and under version keys, private,
//! overlay and documentation addresses, `user@host` service names,
//! `@scope/pkg` names, hashes, trace ids, durations and counters.

use super::Rng;
use std::fmt::Write as _;

/// What a planted value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A payment card number.
    Card,
    /// An email address.
    Email,
    /// A phone number.
    Phone,
    /// A public IP address.
    Ip,
    /// An IBAN.
    Iban,
    /// A JWT or a bearer credential.
    Token,
    /// A credential of a vendor's shape (Stripe, GitHub, Slack, AWS).
    Secret,
    /// The value of a key that names a secret (`password=…`).
    KeyedSecret,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 8] = [
        Kind::Card,
        Kind::Email,
        Kind::Phone,
        Kind::Ip,
        Kind::Iban,
        Kind::Token,
        Kind::Secret,
        Kind::KeyedSecret,
    ];

    /// The rule IDs that may redact it (a credential under a key that names
    /// a secret is PII-007's as much as its shape's).
    pub fn rules(self) -> &'static [&'static str] {
        match self {
            Kind::Card => &["PII-001"],
            Kind::Email => &["PII-002"],
            Kind::Phone => &["PIIX-003"],
            Kind::Ip => &["PIIX-002"],
            Kind::Iban => &["PIIX-001"],
            Kind::Token => &["PIIX-004", "PII-007"],
            Kind::Secret => &["PIIX-005", "PII-007"],
            Kind::KeyedSecret => &["PII-007", "PIIX-004", "PIIX-005"],
        }
    }
}

/// A log family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// `NestJS` through pino: one JSON object per line.
    NestPino,
    /// `NestJS`'s console logger, with ANSI colour codes.
    NestConsole,
    /// Hasura's `http-log` JSON.
    Hasura,
    /// Traefik's JSON access log.
    Traefik,
    /// nginx's combined access log.
    NginxAccess,
    /// nginx's error log.
    NginxError,
    /// PostgreSQL's server log (`ERROR`, `DETAIL`, `STATEMENT`, `LOG`).
    Postgres,
    /// Stripe request bodies, form-encoded, as an API client logs them.
    StripeForm,
    /// Stripe webhook events (JSON).
    StripeWebhook,
    /// Docker's json-file driver wrapping another family's line.
    DockerJson,
    /// logfmt from Go services and the LGTM stack.
    Logfmt,
    /// Faro browser events as Alloy's receiver writes them.
    Faro,
}

impl Family {
    /// Every family.
    pub const ALL: [Family; 12] = [
        Family::NestPino,
        Family::NestConsole,
        Family::Hasura,
        Family::Traefik,
        Family::NginxAccess,
        Family::NginxError,
        Family::Postgres,
        Family::StripeForm,
        Family::StripeWebhook,
        Family::DockerJson,
        Family::Logfmt,
        Family::Faro,
    ];

    /// A short name.
    pub fn name(self) -> &'static str {
        match self {
            Family::NestPino => "nest-pino",
            Family::NestConsole => "nest-console",
            Family::Hasura => "hasura",
            Family::Traefik => "traefik",
            Family::NginxAccess => "nginx-access",
            Family::NginxError => "nginx-error",
            Family::Postgres => "postgres",
            Family::StripeForm => "stripe-form",
            Family::StripeWebhook => "stripe-webhook",
            Family::DockerJson => "docker-json",
            Family::Logfmt => "logfmt",
            Family::Faro => "faro",
        }
    }
}

/// A planted value: its kind and byte span in the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Planted {
    /// What it is.
    pub kind: Kind,
    /// Start byte.
    pub start: usize,
    /// End byte (exclusive).
    pub end: usize,
}

/// One generated line and its ground truth.
#[derive(Debug, Clone)]
pub struct Line {
    /// The family it imitates.
    pub family: Family,
    /// The text, without a newline.
    pub text: String,
    /// The planted values; empty for a clean line.
    pub planted: Vec<Planted>,
}

/// How a planted value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Enc {
    Raw,
    /// `%40` for `@`, as query strings and form bodies carry it.
    Percent,
    /// HTML entities (`&#64;`, `&#x2B;`), as rendered markup carries it.
    Html,
    /// `\u0040`, as a JSON encoder that escapes everything but letters and
    /// digits writes it.
    JsonU,
}

fn encode(x: &str, enc: Enc) -> String {
    let mut out = String::with_capacity(x.len() * 2);
    for c in x.chars() {
        let plain = c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~');
        match enc {
            Enc::Raw => out.push(c),
            _ if plain => out.push(c),
            Enc::Percent => {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "%{b:02X}");
                }
            }
            Enc::Html => {
                let _ = if c == '@' {
                    write!(out, "&#64;")
                } else {
                    write!(out, "&#x{:X};", u32::from(c))
                };
            }
            Enc::JsonU => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
        }
    }
    out
}

/// JSON string escaping as Go's `encoding/json` does it (Docker's
/// json-file driver): `<`, `>` and `&` as `\u003c`, control characters as
/// `\u00XX`.
fn json_escape(x: &str) -> String {
    let mut out = String::with_capacity(x.len() + 8);
    for c in x.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// A line being built: text with planted spans.
struct B {
    s: String,
    planted: Vec<Planted>,
}

impl B {
    fn new() -> Self {
        Self {
            s: String::with_capacity(256),
            planted: Vec::new(),
        }
    }

    fn t(&mut self, x: &str) -> &mut Self {
        self.s.push_str(x);
        self
    }

    fn v(&mut self, kind: Kind, x: &str) -> &mut Self {
        self.ve(kind, x, Enc::Raw)
    }

    fn ve(&mut self, kind: Kind, x: &str, enc: Enc) -> &mut Self {
        let start = self.s.len();
        self.s.push_str(&encode(x, enc));
        self.planted.push(Planted {
            kind,
            start,
            end: self.s.len(),
        });
        self
    }

    fn line(self, family: Family) -> Line {
        Line {
            family,
            text: self.s,
            planted: self.planted,
        }
    }
}

// ---- values -------------------------------------------------------------

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn from_set(rng: &mut Rng, set: &[u8], n: usize) -> String {
    (0..n)
        .map(|_| char::from(set[rng.index(set.len())]))
        .collect()
}

fn from_range(rng: &mut Rng, set: &[u8], min: usize, spread: usize) -> String {
    let n = min + rng.index(spread);
    from_set(rng, set, n)
}

fn hex(rng: &mut Rng, n: usize) -> String {
    from_set(rng, b"0123456789abcdef", n)
}

fn luhn_complete(partial: &str) -> String {
    let sum: u32 = partial
        .bytes()
        .rev()
        .enumerate()
        .map(|(k, b)| {
            let d = u32::from(b - b'0');
            if k % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    format!("{partial}{}", (10 - sum % 10) % 10)
}

/// Digits that pass Luhn, starting with `prefix`, `len` long.
fn luhn_number(rng: &mut Rng, prefix: &str, len: usize) -> String {
    let partial = format!("{prefix}{}", rng.digits(len - prefix.len() - 1));
    luhn_complete(&partial)
}

fn card(rng: &mut Rng) -> String {
    let (prefix, len) = *[("4", 16), ("51", 16), ("53", 16), ("37", 15), ("6011", 16)]
        .get(rng.index(5))
        .unwrap_or(&("4", 16));
    let n = luhn_number(rng, prefix, len);
    match (rng.below(3), len) {
        (0, _) => n,
        (k, 16) => {
            let sep = if k == 1 { " " } else { "-" };
            [&n[0..4], &n[4..8], &n[8..12], &n[12..16]].join(sep)
        }
        (_, _) => format!("{} {} {}", &n[0..4], &n[4..10], &n[10..]),
    }
}

/// A Luhn-valid id that a card detector would take without its key.
fn luhn_id(rng: &mut Rng) -> String {
    let prefix = rng_pick(rng, &["4", "5", "4"]);
    luhn_number(rng, prefix, 16)
}

fn rng_pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.index(items.len())]
}

const FIRST: &[&str] = &[
    "julia", "jan", "lea", "mehmet", "anna", "lukas", "sofia", "noah", "emma", "ben", "marie",
    "paul", "zoe", "jonas", "mia",
];
const LAST: &[&str] = &[
    "schmidt",
    "mueller",
    "yilmaz",
    "schneider",
    "fischer",
    "weber",
    "meyer",
    "wagner",
    "becker",
    "hoffmann",
    "schulz",
    "koch",
];
const DOMAINS: &[&str] = &[
    "gmail.com",
    "web.de",
    "gmx.de",
    "t-online.de",
    "posteo.de",
    "outlook.com",
    "icloud.com",
    "firma-beispiel.de",
    "mail.example-shop.eu",
];

fn email(rng: &mut Rng) -> String {
    let (f, l) = (rng_pick(rng, FIRST), rng_pick(rng, LAST));
    let local = match rng.below(5) {
        0 => format!("{f}.{l}"),
        1 => format!("{f}{}", rng.below(100)),
        2 => format!("{f}+shop"),
        3 => format!("{}.{l}", &f[..1]),
        _ => format!("{f}_{l}{}", rng.below(10)),
    };
    format!("{local}@{}", rng_pick(rng, DOMAINS))
}

/// German phone numbers in the forms people write, each standing where a
/// reader would know it is a number to call.
fn phone(rng: &mut Rng) -> String {
    let mobile = format!("15{}", rng.below(10));
    let area = rng_pick(
        rng,
        &["30", "40", "89", "221", "69", "711", "211", "351", "6221"],
    );
    // National significant numbers have 10 or 11 digits; subscriber
    // numbers never start with 0.
    let first = 2 + rng.below(8);
    let n = 9 - area.len() + rng.index(2);
    let sub = format!("{first}{}", rng.digits(n));
    let msub = rng.digits(8);
    match rng.below(10) {
        0 => format!("+49 {area} {sub}"),
        1 => format!("+49{mobile}{msub}"),
        2 => format!("0049 {mobile} {msub}"),
        3 => format!("0049{area}{sub}"),
        4 => format!("+49 (0){area} {sub}"),
        5 => format!("0{area} {sub}"),
        6 => format!("0{mobile}{msub}"),
        7 => format!("0{area}/{sub}"),
        8 => format!("0{mobile} {msub}"),
        _ => format!("+49 (0) {area} {sub}"),
    }
}

/// An unseparated national landline number (`02217915041`): a phone only
/// where a word or key says so.
fn landline_run(rng: &mut Rng) -> String {
    let area = rng_pick(rng, &["30", "40", "89", "221", "69", "711", "211"]);
    let first = 2 + rng.below(8);
    let n = 9 - area.len() + rng.index(2);
    format!("0{area}{first}{}", rng.digits(n))
}

fn public_ip(rng: &mut Rng) -> String {
    match rng.below(6) {
        0..=2 => format!(
            "{}.{}.{}.{}",
            rng_pick(
                rng,
                &[
                    "84", "91", "93", "46", "78", "88", "185", "213", "217", "62"
                ]
            ),
            rng.below(256),
            rng.below(256),
            1 + rng.below(254)
        ),
        3 => format!(
            "2a02:{}:{}:{}::{}",
            hex(rng, 4),
            hex(rng, 3),
            hex(rng, 4),
            1 + rng.below(0xfff)
        ),
        4 => format!(
            "2003:{:x}:{}:{}:{}:{}:{}:{}",
            0xc0 + rng.below(0x30),
            hex(rng, 4),
            hex(rng, 4),
            hex(rng, 4),
            hex(rng, 4),
            hex(rng, 4),
            hex(rng, 4)
        ),
        _ => format!(
            "::ffff:{}.{}.{}.{}",
            rng_pick(rng, &["84", "91", "93", "46"]),
            rng.below(256),
            rng.below(256),
            1 + rng.below(254)
        ),
    }
}

/// A non-personal address: overlay, private, shared, ULA, documentation,
/// loopback.
fn private_ip(rng: &mut Rng) -> String {
    match rng.below(7) {
        0 => format!("10.0.{}.{}", rng.below(4), 2 + rng.below(250)),
        1 => format!("172.18.0.{}", 2 + rng.below(250)),
        2 => format!("192.168.{}.{}", rng.below(3), 2 + rng.below(250)),
        3 => format!("100.64.{}.{}", rng.below(256), 2 + rng.below(250)),
        4 => format!("fd00:{}::{}", hex(rng, 4), 1 + rng.below(0xff)),
        5 => format!("198.51.100.{}", rng.below(256)),
        _ => "127.0.0.1".to_string(),
    }
}

fn iban(rng: &mut Rng) -> String {
    let bban = format!("{}{}", rng.digits(8), rng.digits(10));
    // DE + check digits: 98 - (bban ++ "1314" ++ "00") mod 97.
    let rearranged = format!("{bban}131400");
    let rem = rearranged
        .bytes()
        .fold(0u32, |r, b| (r * 10 + u32::from(b - b'0')) % 97);
    let compact = format!("DE{:02}{bban}", 98 - rem);
    if rng.below(2) == 0 {
        compact
    } else {
        let groups: Vec<&str> = (0..compact.len())
            .step_by(4)
            .map(|k| &compact[k..(k + 4).min(compact.len())])
            .collect();
        groups.join(" ")
    }
}

fn b64url(rng: &mut Rng, n: usize) -> String {
    from_set(
        rng,
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        n,
    )
}

fn jwt(rng: &mut Rng) -> String {
    format!(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOi{}.{}",
        {
            let n = 40 + rng.index(40);
            b64url(rng, n)
        },
        b64url(rng, 43)
    )
}

fn vendor_secret(rng: &mut Rng) -> String {
    match rng.below(7) {
        0 => format!("sk_live_{}", from_range(rng, ALNUM, 24, 76)),
        1 => format!("rk_live_{}", from_range(rng, ALNUM, 24, 76)),
        2 => format!("whsec_{}", from_set(rng, ALNUM, 32)),
        3 => format!("ghp_{}", from_set(rng, ALNUM, 36)),
        4 => format!(
            "xoxb-{}-{}-{}",
            rng.digits(11),
            rng.digits(12),
            from_set(rng, ALNUM, 24)
        ),
        5 => format!(
            "AKIA{}",
            from_set(rng, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
        ),
        _ => format!("sk_test_{}", from_range(rng, ALNUM, 24, 76)),
    }
}

fn password(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => rng_pick(rng, &["hunter2", "Sommer2026!", "passw0rd", "geheim123"]).to_string(),
        1 => from_range(rng, ALNUM, 12, 12),
        2 => format!(
            "{}-{}-{}",
            rng_pick(rng, FIRST),
            rng_pick(rng, LAST),
            rng.below(100)
        ),
        _ => from_set(rng, b"abcdefghijkmnopqrstuvwxyzABCDEFGH23456789!$%*#", 16),
    }
}

fn uuid(rng: &mut Rng) -> String {
    format!(
        "{}-{}-4{}-a{}-{}",
        hex(rng, 8),
        hex(rng, 4),
        hex(rng, 3),
        hex(rng, 3),
        hex(rng, 12)
    )
}

fn stripe_id(rng: &mut Rng, prefix: &str) -> String {
    format!("{prefix}_{}", from_range(rng, ALNUM, 14, 10))
}

fn iso(rng: &mut Rng) -> String {
    format!(
        "2026-11-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        1 + rng.below(28),
        rng.below(24),
        rng.below(60),
        rng.below(60),
        rng.below(1000)
    )
}

fn epoch_ms(rng: &mut Rng) -> String {
    format!("17{}", rng.digits(11))
}

fn chrome_ua(rng: &mut Rng) -> String {
    format!(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{}.0.0.0 Safari/537.36",
        118 + rng.below(14)
    )
}

fn invoice(rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => format!("INV-2026-{:05}", rng.below(100_000)),
        1 => format!("RE-2026-{}", rng.digits(6)),
        _ => format!(
            "{}-{:04}",
            from_set(rng, b"ABCDEF0123456789", 8),
            rng.below(10_000)
        ),
    }
}

fn pick_key<'a>(rng: &mut Rng, keys: &[&'a str]) -> &'a str {
    rng_pick(rng, keys)
}

const ID_KEYS: &[&str] = &[
    "order_id",
    "booking_id",
    "orderId",
    "plan_hash",
    "customer_number_id",
    "trace",
    "seq",
    "offset",
    "request_id",
    "payment_hash",
];

// ---- families -----------------------------------------------------------

fn nest_pino(rng: &mut Rng, pii: bool) -> Line {
    let mut b = B::new();
    let _ = write!(
        b.s,
        "{{\"level\":{},\"time\":{},\"pid\":1,\"hostname\":\"api-{}\",\"req\":{{\"id\":{},\"method\":\"POST\",\"url\":\"/v1/bookings?",
        rng_pick(rng, &["30", "40", "50"]),
        epoch_ms(rng),
        hex(rng, 6),
        rng.below(100_000)
    );
    if pii && rng.below(2) == 0 {
        b.t("email=").ve(Kind::Email, &email(rng), Enc::Percent);
    } else {
        let _ = write!(b.s, "page={}", rng.below(50));
    }
    b.t("\",\"remoteAddress\":\"");
    if pii {
        b.v(Kind::Ip, &public_ip(rng));
    } else {
        b.t(&format!("::ffff:{}", private_ip(rng)));
    }
    let _ = write!(
        b.s,
        "\",\"remotePort\":{}}},\"context\":\"BookingService\",\"{}\":\"{}\",\"msg\":\"",
        1024 + rng.below(60_000),
        pick_key(rng, ID_KEYS),
        luhn_id(rng)
    );
    if pii {
        match rng.below(4) {
            0 => {
                b.t("booking created for ").v(Kind::Email, &email(rng));
            }
            1 => {
                b.t("callback requested, phone ")
                    .v(Kind::Phone, &phone(rng));
            }
            2 => {
                b.t("login failed password=")
                    .v(Kind::KeyedSecret, &password(rng).replace(['"', '\\'], ""));
            }
            _ => {
                b.t("payout to ").v(Kind::Iban, &iban(rng));
            }
        }
    } else {
        let _ = write!(
            b.s,
            "booking {} confirmed for tenant {} in {}ms (invoice {})",
            uuid(rng),
            rng.below(900),
            rng.below(3000),
            invoice(rng)
        );
    }
    b.t("\",\"responseTime\":")
        .t(&rng.below(900).to_string())
        .t("}");
    b.line(Family::NestPino)
}

fn nest_console(rng: &mut Rng, pii: bool) -> Line {
    let mut b = B::new();
    let _ = write!(
        b.s,
        "\x1b[32m[Nest] {}  - \x1b[39m11/{:02}/2026, {}:{:02}:{:02} {}M \x1b[32m    LOG\x1b[39m \x1b[33m[{}]\x1b[39m \x1b[32m",
        1 + rng.below(40),
        1 + rng.below(28),
        1 + rng.below(12),
        rng.below(60),
        rng.below(60),
        rng_pick(rng, &["A", "P"]),
        rng_pick(
            rng,
            &[
                "MailService",
                "AuthService",
                "RoutesResolver",
                "PaymentService"
            ]
        )
    );
    if pii {
        match rng.below(5) {
            0 => {
                b.v(Kind::Email, &email(rng)).t(" verified");
            }
            1 => {
                b.t("SMS an ").v(Kind::Phone, &phone(rng)).t(" gesendet");
            }
            2 => {
                b.t("mail preview <a href=\"mailto:")
                    .ve(Kind::Email, &email(rng), Enc::Html)
                    .t("\">Konto</a>");
            }
            3 => {
                b.t("Rückruf unter Tel. ")
                    .v(Kind::Phone, &landline_run(rng));
            }
            _ => {
                b.t("token issued ").v(Kind::Token, &jwt(rng));
            }
        }
    } else {
        let _ = write!(
            b.s,
            "Mapped {{/v1/trips/:id, GET}} route +{}ms \x1b[33m@nestjs/core\x1b[39m v{}.{}.{}",
            rng.below(40),
            10 + rng.below(2),
            rng.below(5),
            rng.below(20)
        );
    }
    let _ = write!(b.s, "\x1b[39m\x1b[38;5;3m +{}ms\x1b[39m", rng.below(200));
    b.line(Family::NestConsole)
}

fn hasura(rng: &mut Rng, pii: bool) -> Line {
    let mut b = B::new();
    let _ = write!(
        b.s,
        "{{\"type\":\"http-log\",\"timestamp\":\"{}\",\"level\":\"info\",\"detail\":{{\"operation\":{{\"user_vars\":{{\"x-hasura-role\":\"user\",\"x-hasura-user-id\":\"{}\"}},\"request_id\":\"{}\",\"response_size\":{},\"query\":{{\"variables\":{{",
        iso(rng),
        uuid(rng),
        hex(rng, 32),
        rng.below(90_000)
    );
    if pii {
        let enc = if rng.below(3) == 0 {
            Enc::JsonU
        } else {
            Enc::Raw
        };
        b.t("\"email\":\"")
            .ve(Kind::Email, &email(rng), enc)
            .t("\",\"phone\":\"");
        b.v(Kind::Phone, &phone(rng)).t("\"");
    } else {
        let _ = write!(
            b.s,
            "\"tripId\":\"{}\",\"limit\":{},\"order_id\":{}",
            uuid(rng),
            rng.below(100),
            luhn_id(rng)
        );
    }
    let _ = write!(
        b.s,
        "}},\"operationName\":\"{}\"}},\"request_mode\":\"single\"}},\"http_info\":{{\"status\":200,\"http_version\":\"HTTP/1.1\",\"url\":\"/v1/graphql\",\"ip\":\"",
        rng_pick(rng, &["UpdateProfile", "ListTrips", "CreateBooking"])
    );
    if pii {
        b.v(Kind::Ip, &public_ip(rng));
    } else {
        b.t(&private_ip(rng));
    }
    b.t("\",\"method\":\"POST\",\"content_encoding\":null}}}");
    b.line(Family::Hasura)
}

fn traefik(rng: &mut Rng, pii: bool) -> Line {
    let mut b = B::new();
    let port = 1024 + rng.below(60_000);
    let (ip, planted) = if pii {
        (public_ip(rng), true)
    } else {
        (private_ip(rng), false)
    };
    let ip = ip.trim_start_matches("::ffff:").to_string();
    let v6 = ip.contains(':');
    b.t("{\"ClientAddr\":\"");
    if v6 {
        b.t("[");
    }
    if planted {
        b.v(Kind::Ip, &ip);
    } else {
        b.t(&ip);
    }
    if v6 {
        b.t("]");
    }
    let _ = write!(b.s, ":{port}\",\"ClientHost\":\"");
    if planted {
        b.v(Kind::Ip, &ip);
    } else {
        b.t(&ip);
    }
    let _ = write!(
        b.s,
        "\",\"DownstreamStatus\":{},\"Duration\":{},\"RequestMethod\":\"GET\",\"RequestPath\":\"/v1/account/reset?",
        rng_pick(rng, &["200", "302", "404"]),
        rng.below(90_000_000)
    );
    if pii {
        b.t("email=")
            .ve(Kind::Email, &email(rng), Enc::Percent)
            .t("&token=")
            .v(Kind::KeyedSecret, &b64url(rng, 32));
    } else {
        let _ = write!(b.s, "uid={}&lang=de", rng.below(1_000_000));
    }
    let _ = write!(
        b.s,
        "\",\"RequestProtocol\":\"HTTP/1.1\",\"RouterName\":\"api@docker\",\"ServiceAddr\":\"10.0.1.{}:3000\",\"ServiceName\":\"api@docker\",\"StartUTC\":\"{}\",\"entryPointName\":\"websecure\",\"request_User-Agent\":\"{}\",\"level\":\"info\",\"msg\":\"\",\"time\":\"{}\"}}",
        2 + rng.below(250),
        iso(rng),
        chrome_ua(rng),
        iso(rng)
    );
    b.line(Family::Traefik)
}

fn nginx_access(rng: &mut Rng, pii: bool) -> Line {
    let mut b = B::new();
    if pii {
        b.v(Kind::Ip, &public_ip(rng));
    } else {
        b.t(&private_ip(rng));
    }
    let _ = write!(
        b.s,
        " - - [23/Nov/2026:{:02}:{:02}:{:02} +0100] \"GET /api/v1/checkout?",
        rng.below(24),
        rng.below(60),
        rng.below(60)
    );
    if pii {
        match rng.below(3) {
            0 => {
                b.t("email=").ve(Kind::Email, &email(rng), Enc::Percent);
            }
            1 => {
                b.t("phone=").ve(Kind::Phone, &phone(rng), Enc::Percent);
            }
            _ => {
                b.t("access_token=").v(Kind::KeyedSecret, &b64url(rng, 40));
            }
        }
        b.t("&");
    }
    let _ = write!(
        b.s,
        "plan_hash={}&v={} HTTP/1.1\" {} {} \"https://app.example.com/\" \"{}\"",
        luhn_id(rng),
        rng.below(9),
        rng_pick(rng, &["200", "302", "404", "499"]),
        rng.below(90_000),
        chrome_ua(rng)
    );
    b.line(Family::NginxAccess)
}

fn nginx_error(rng: &mut Rng, pii: bool) -> Line {
    let mut b = B::new();
    let _ = write!(
        b.s,
        "2026/11/23 {:02}:{:02}:{:02} [error] 29#29: *{} connect() failed (111: Connection refused) while connecting to upstream, client: ",
        rng.below(24),
        rng.below(60),
        rng.below(60),
        rng.below(1_000_000)
    );
    if pii {
        b.v(Kind::Ip, &public_ip(rng));
    } else {
        b.t(&private_ip(rng));
    }
    b.t(", server: api.example.com, request: \"POST /v1/login");
    if pii && rng.below(2) == 0 {
        b.t("?user=").ve(Kind::Email, &email(rng), Enc::Percent);
    }
    let _ = write!(
        b.s,
        " HTTP/1.1\", upstream: \"http://10.0.2.{}:3000/v1/login\", host: \"api.example.com\"",
        2 + rng.below(250)
    );
    b.line(Family::NginxError)
}

fn postgres(rng: &mut Rng, pii: bool) -> Line {
    let mut b = B::new();
    let _ = write!(
        b.s,
        "2026-11-23 {:02}:{:02}:{:02}.{:03} UTC [{}] app@bookings ",
        rng.below(24),
        rng.below(60),
        rng.below(60),
        rng.below(1000),
        100 + rng.below(90_000)
    );
    match rng.below(5) {
        0 => {
            b.t("DETAIL:  Key (");
            if pii {
                b.t("email)=(")
                    .v(Kind::Email, &email(rng))
                    .t(") already exists.");
            } else {
                b.t("order_id)=(").t(&luhn_id(rng)).t(") already exists.");
            }
        }
        1 => {
            b.t("STATEMENT:  INSERT INTO customers (email, phone, iban) VALUES (");
            if pii {
                b.t("'").v(Kind::Email, &email(rng)).t("', '");
                b.v(Kind::Phone, &phone(rng)).t("', '");
                b.v(Kind::Iban, &iban(rng).replace(' ', "")).t("')");
            } else {
                b.t("NULL, NULL, NULL)");
            }
        }
        2 => {
            let _ = write!(
                b.s,
                "STATEMENT:  UPDATE orders SET status = 'paid', plan_hash = '{}' WHERE order_id = {}",
                luhn_id(rng),
                luhn_id(rng)
            );
            if pii {
                b.t(" AND card = '").v(Kind::Card, &card(rng)).t("'");
            }
        }
        3 => {
            b.t("LOG:  connection received: host=");
            if pii {
                b.v(Kind::Ip, public_ip(rng).trim_start_matches("::ffff:"));
            } else {
                b.t(&private_ip(rng));
            }
            let _ = write!(b.s, " port={}", 1024 + rng.below(60_000));
        }
        _ => {
            b.t("ERROR:  duplicate key value violates unique constraint \"users_email_key\"");
            if pii {
                b.t(" for ").v(Kind::Email, &email(rng));
            }
        }
    }
    b.line(Family::Postgres)
}

fn stripe_form(rng: &mut Rng, pii: bool) -> Line {
    let mut b = B::new();
    let _ = write!(
        b.s,
        "level=debug msg=\"stripe request\" method=POST path=/v1/payment_intents idempotency_key={} body=\"amount={}&currency=eur&customer={}&",
        uuid(rng),
        100 + rng.below(90_000),
        stripe_id(rng, "cus")
    );
    if rng.below(2) == 0 {
        let _ = write!(b.s, "metadata[order_id]={}&", luhn_id(rng));
    } else {
        let _ = write!(b.s, "metadata%5Border_id%5D={}&", luhn_id(rng));
    }
    if pii {
        match rng.below(4) {
            0 => {
                b.t("receipt_email=")
                    .ve(Kind::Email, &email(rng), Enc::Percent)
                    .t("&");
            }
            1 => {
                b.t("payment_method_data%5Bbilling_details%5D%5Bphone%5D=")
                    .ve(Kind::Phone, &phone(rng), Enc::Percent)
                    .t("&");
            }
            2 => {
                b.t("payment_method_data[card][number]=")
                    .v(Kind::Card, &card(rng).replace([' ', '-'], ""))
                    .t("&");
            }
            _ => {
                b.t("payment_method_data[sepa_debit][iban]=")
                    .v(Kind::Iban, &iban(rng).replace(' ', ""))
                    .t("&");
            }
        }
    }
    let _ = write!(
        b.s,
        "description=Invoice%20{}&statement_descriptor=BUSFLOW\" stripe_version=2024-06-20",
        invoice(rng)
    );
    if pii && rng.below(3) == 0 {
        b.t(" api_key=").v(Kind::Secret, &vendor_secret(rng));
    }
    b.line(Family::StripeForm)
}

fn stripe_webhook(rng: &mut Rng, pii: bool) -> Line {
    let mut b = B::new();
    let _ = write!(
        b.s,
        "{{\"id\":\"{}\",\"object\":\"event\",\"api_version\":\"2024-06-20\",\"created\":{},\"data\":{{\"object\":{{\"id\":\"{}\",\"object\":\"charge\",\"amount\":{},\"invoice\":\"{}\",\"metadata\":{{\"order_id\":\"{}\",\"plan_hash\":\"{}\"}},\"billing_details\":{{",
        stripe_id(rng, "evt_1P"),
        epoch_ms(rng).get(..10).unwrap_or("1764000000"),
        stripe_id(rng, "ch_3P"),
        100 + rng.below(90_000),
        stripe_id(rng, "in_1P"),
        luhn_id(rng),
        luhn_id(rng)
    );
    if pii {
        b.t("\"email\":\"")
            .v(Kind::Email, &email(rng))
            .t("\",\"phone\":\"");
        b.v(Kind::Phone, &phone(rng)).t("\"");
    } else {
        b.t("\"email\":null,\"phone\":null");
    }
    let _ = write!(
        b.s,
        "}},\"payment_method_details\":{{\"card\":{{\"brand\":\"visa\",\"last4\":\"{}\",\"fingerprint\":\"{}\",\"exp_month\":{},\"exp_year\":{}}}}}",
        rng.digits(4),
        from_set(rng, ALNUM, 16),
        1 + rng.below(12),
        2027 + rng.below(5)
    );
    if pii && rng.below(3) == 0 {
        b.t(",\"client_ip\":\"")
            .v(Kind::Ip, &public_ip(rng))
            .t("\"");
    }
    b.t("}},\"livemode\":true,\"type\":\"charge.succeeded\"}");
    b.line(Family::StripeWebhook)
}

/// Docker's json-file driver wrapping `inner` (escaped as Go escapes it).
fn docker_json(rng: &mut Rng, inner: &Line) -> Line {
    let mut b = B::new();
    b.t("{\"log\":\"");
    let mut at = 0;
    for p in &inner.planted {
        b.t(&json_escape(&inner.text[at..p.start]));
        let start = b.s.len();
        b.t(&json_escape(&inner.text[p.start..p.end]));
        b.planted.push(Planted {
            kind: p.kind,
            start,
            end: b.s.len(),
        });
        at = p.end;
    }
    b.t(&json_escape(&inner.text[at..]));
    let _ = write!(
        b.s,
        "\\n\",\"stream\":\"{}\",\"time\":\"{}\"}}",
        rng_pick(rng, &["stdout", "stderr"]),
        iso(rng)
    );
    b.line(Family::DockerJson)
}

fn logfmt(rng: &mut Rng, pii: bool) -> Line {
    let mut b = B::new();
    let _ = write!(
        b.s,
        "ts={} level={} caller=auth.go:{} msg=\"{}\" trace_id={} span_id={} {}={} ",
        iso(rng),
        rng_pick(rng, &["info", "warn", "error"]),
        rng.below(400),
        rng_pick(rng, &["user signed in", "login failed", "token refreshed"]),
        hex(rng, 32),
        hex(rng, 16),
        pick_key(rng, ID_KEYS),
        luhn_id(rng)
    );
    if pii {
        match rng.below(6) {
            0 => {
                b.t("user_email=").v(Kind::Email, &email(rng));
            }
            1 => {
                b.t("password=").v(Kind::KeyedSecret, &password(rng));
            }
            2 => {
                b.t("db_password=\"")
                    .v(Kind::KeyedSecret, &password(rng))
                    .t("\"");
            }
            3 => {
                b.t("authorization=\"Bearer ")
                    .v(Kind::Token, &b64url(rng, 40))
                    .t("\"");
            }
            4 => {
                b.t("client_ip=").v(Kind::Ip, &public_ip(rng));
            }
            _ => {
                b.t("github_token=").v(Kind::Secret, &vendor_secret(rng));
            }
        }
    } else {
        let _ = write!(
            b.s,
            "token_type=Bearer expires_in={} client_ip={} user=svc@{}",
            rng.below(4000),
            private_ip(rng),
            rng_pick(rng, &["worker", "db-primary", "docker"])
        );
    }
    let _ = write!(
        b.s,
        " duration={}ms status={} version={}.{}.{}.{}",
        rng.below(5000),
        rng_pick(rng, &["200", "401", "500"]),
        1 + rng.below(200),
        rng.below(10),
        rng.below(10),
        rng.below(10)
    );
    b.line(Family::Logfmt)
}

fn faro(rng: &mut Rng, pii: bool) -> Line {
    let mut b = B::new();
    let _ = write!(
        b.s,
        "timestamp=\"{}\" kind={} message=\"",
        iso(rng),
        rng_pick(rng, &["log", "event", "exception"])
    );
    if pii {
        match rng.below(3) {
            0 => {
                b.t("form submitted by ").v(Kind::Email, &email(rng));
            }
            1 => {
                b.t("card rejected ").v(Kind::Card, &card(rng));
            }
            _ => {
                b.t("contact tel:")
                    .v(Kind::Phone, &phone(rng).replace(' ', ""));
            }
        }
    } else {
        b.t("checkout step 2 rendered");
    }
    let _ = write!(
        b.s,
        "\" level=info context_url=https://app.example.com/checkout?step={}",
        rng.below(4)
    );
    if pii && rng.below(2) == 0 {
        b.t("&email=").ve(Kind::Email, &email(rng), Enc::Percent);
    }
    let _ = write!(
        b.s,
        " sdk_name=@grafana/faro-web-sdk sdk_version=1.{}.{} app_name=web app_version={}.{}.{} session_id={} page_url=https://app.example.com/trips/{} browser_name=chrome browser_version={}.0.0.0 browser_os=\"Windows 10\" browser_mobile=false view_name=default",
        rng.below(12),
        rng.below(9),
        2,
        rng.below(30),
        rng.below(9),
        from_set(rng, ALNUM, 10),
        uuid(rng),
        118 + rng.below(14)
    );
    b.line(Family::Faro)
}

/// One line of `family`; about half of the lines carry planted values.
pub fn line(rng: &mut Rng, family: Family) -> Line {
    let pii = rng.below(2) == 0;
    match family {
        Family::NestPino => nest_pino(rng, pii),
        Family::NestConsole => nest_console(rng, pii),
        Family::Hasura => hasura(rng, pii),
        Family::Traefik => traefik(rng, pii),
        Family::NginxAccess => nginx_access(rng, pii),
        Family::NginxError => nginx_error(rng, pii),
        Family::Postgres => postgres(rng, pii),
        Family::StripeForm => stripe_form(rng, pii),
        Family::StripeWebhook => stripe_webhook(rng, pii),
        Family::DockerJson => {
            let inner = match rng.below(3) {
                0 => nest_console(rng, pii),
                1 => nginx_access(rng, pii),
                _ => nest_pino(rng, pii),
            };
            docker_json(rng, &inner)
        }
        Family::Logfmt => logfmt(rng, pii),
        Family::Faro => faro(rng, pii),
    }
}

/// A line of a family chosen at random (the mix of a shared log stream).
pub fn mixed_line(rng: &mut Rng) -> Line {
    let family = Family::ALL[rng.index(Family::ALL.len())];
    line(rng, family)
}
