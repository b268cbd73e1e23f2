//! UBI-CUT-001: when the cutover is due; UBI-CUT-010: what it may change.

/// UBI-CUT-001: the cutover is triggered by more than 50 tenants or a
/// contractual SLA of 99.5 % or more.
pub fn cutover_required(tenants: u32, sla_percent: f64) -> bool {
    tenants > 50 || sla_percent >= 99.5
}

/// UBI-CUT-010: the only secrets the cutover changes.
pub const IN_SCOPE: [&str; 2] = ["busflow_db_writer", "busflow_db_reader"];

/// A secret the cutover must not touch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the cutover only changes busflow_db_writer and busflow_db_reader; `{secret}` is {why}")]
pub struct ScopeRefusal {
    /// The secret (its target name).
    pub secret: String,
    /// Why it is out of scope.
    pub why: &'static str,
}

/// UBI-CUT-010: refuses a change that touches anything but the writer and
/// reader secrets (Redis, object storage and the Hasura JWT secret are
/// named, to say why). Versioned names (`busflow_db_writer_v2`) count as
/// their secret.
pub fn check_scope(targets: &[&str]) -> Result<(), ScopeRefusal> {
    for t in targets {
        let base = t
            .trim_end_matches(|c: char| c.is_ascii_digit())
            .trim_end_matches("_v");
        if IN_SCOPE.contains(&base) {
            continue;
        }
        let lower = t.to_ascii_lowercase();
        let why = if lower.contains("redis") || lower.contains("bullmq") {
            "the Redis broker, which stays in the swarm"
        } else if lower.contains("minio") || lower.contains("s3") || lower.contains("object") {
            "object storage, which the cutover never rotates"
        } else if lower.contains("jwt") || lower.contains("hasura") {
            "the Hasura JWT secret, which the cutover never rotates"
        } else {
            "outside the cutover's scope"
        };
        return Err(ScopeRefusal {
            secret: (*t).to_owned(),
            why,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ubi_cut_001_fifty_one_tenants_or_a_99_5_sla_trigger_the_cutover() {
        assert!(!cutover_required(50, 99.0));
        assert!(cutover_required(51, 99.0));
        assert!(cutover_required(10, 99.5));
        assert!(!cutover_required(10, 99.49));
    }

    #[test]
    fn ubi_cut_010_only_the_writer_and_reader_secrets_change() {
        assert!(check_scope(&["busflow_db_writer", "busflow_db_reader_v2"]).is_ok());
        for (t, why) in [
            ("redis_password", "Redis"),
            ("minio_secret_key", "object storage"),
            ("hasura_graphql_jwt_secret", "JWT"),
            ("grafana_admin_password", "outside"),
        ] {
            let e = check_scope(&["busflow_db_writer", t]).expect_err(t);
            assert!(e.to_string().contains(why), "{e}");
        }
    }
}
