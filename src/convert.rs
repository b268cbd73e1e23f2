//! Findings of the crates, converted into the output layer's [`Finding`].

#[cfg(feature = "obs-rules")]
impl From<busflow_obs_rules::Finding> for crate::Finding {
    fn from(f: busflow_obs_rules::Finding) -> Self {
        use crate::Severity;
        // The crate's enum is `#[non_exhaustive]`: treat anything new as
        // the strictest.
        let severity = match f.severity {
            busflow_obs_rules::Severity::Info => Severity::Info,
            busflow_obs_rules::Severity::Warning => Severity::Warning,
            _ => Severity::Error,
        };
        crate::Finding::new(f.rule_id, severity, f.message, f.file, f.line, f.column)
            .with_help(f.help)
    }
}

#[cfg(feature = "pii")]
impl From<busflow_pii::Finding> for crate::Finding {
    fn from(f: busflow_pii::Finding) -> Self {
        use crate::Severity;
        let severity = match f.severity {
            busflow_pii::Severity::Info => Severity::Info,
            busflow_pii::Severity::Warning => Severity::Warning,
            _ => Severity::Error,
        };
        crate::Finding::new(f.rule_id, severity, f.message, f.file, f.line, f.column)
            .with_help(f.help)
    }
}

#[cfg(feature = "swarm")]
impl From<busflow_swarm::Finding> for crate::Finding {
    fn from(f: busflow_swarm::Finding) -> Self {
        use crate::Severity;
        let severity = match f.severity {
            busflow_swarm::Severity::Info => Severity::Info,
            busflow_swarm::Severity::Warning => Severity::Warning,
            _ => Severity::Error,
        };
        crate::Finding::new(f.rule_id, severity, f.message, f.file, f.line, f.column)
            .with_help(f.help)
    }
}

#[cfg(feature = "ubicloud")]
impl From<busflow_ubicloud::Finding> for crate::Finding {
    fn from(f: busflow_ubicloud::Finding) -> Self {
        use crate::Severity;
        let severity = match f.severity {
            busflow_ubicloud::Severity::Info => Severity::Info,
            busflow_ubicloud::Severity::Warning => Severity::Warning,
            _ => Severity::Error,
        };
        crate::Finding::new(f.rule_id, severity, f.message, f.file, f.line, f.column)
            .with_help(f.help)
    }
}
