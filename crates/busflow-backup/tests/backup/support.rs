//! What the backup tests share: a remote on testkit's S3.

use busflow_backup::{RemoteConfig, S3Store, Secret};
use testkit::S3;

/// A remote `name` for bucket `dumps` on `s3`, trusting its CA when `trust`.
pub fn remote(s3: &S3, name: &str, trust: bool) -> RemoteConfig {
    let mut config = RemoteConfig::new(
        name,
        s3.endpoint(),
        "dumps",
        s3.access_key(),
        Secret::new(s3.secret_key()),
    );
    s3.region().clone_into(&mut config.region);
    if trust {
        config.ca_pem = s3.ca_pem().map(str::to_owned);
    }
    config
}

/// A store for `name` on `s3` that trusts its CA.
pub fn store(s3: &S3, name: &str) -> S3Store {
    S3Store::new(remote(s3, name, true)).expect("store")
}
