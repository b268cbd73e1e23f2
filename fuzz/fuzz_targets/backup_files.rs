//! The backup job's readers on arbitrary text: the verify's settings, the
//! soft-FK allow-list, the pins file; and connection strings, whose
//! redacted form must never hold the password.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = std::path::Path::new("verify.yaml");
    let _ = busflow_backup::VerifySettings::parse(path, text);
    let _ = busflow_backup::SoftFkAllowlist::parse(path, text);
    let _ = busflow_backup::PinFile::parse(path, text);
    let _ = busflow_backup::redact_conninfo(text);
    // A password of letters and digits (nothing a URL or conninfo would
    // quote) placed in each form: the redacted text never holds it.
    let secret: String = text.chars().filter(char::is_ascii_alphanumeric).take(24).collect();
    // The templates' own words (`postgres`, `password`, `sslmode`) are not
    // the secret.
    let template = "postgres://app@db/main?sslmode=require&password= host=db dbname=main";
    if secret.len() >= 8 && !template.contains(&secret) {
        for form in [
            format!("postgres://app:{secret}@db/main"),
            format!("postgres://app@db/main?sslmode=require&password={secret}"),
            format!("host=db password={secret} dbname=main"),
            format!("host=db password='{secret}' dbname=main"),
        ] {
            let shown = busflow_backup::redact_conninfo(&form);
            assert!(!shown.contains(&secret), "{form} -> {shown}");
        }
    }
});
