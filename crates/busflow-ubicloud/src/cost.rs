//! UBI-CUT-009: the cost envelope of the 72 h parallel run, from a typed
//! price table: monthly tier price × 3/30, reported for Finance sign-off.

/// A managed-Postgres size and its list price.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tier {
    /// Ubicloud's size name (`standard-2`).
    pub name: &'static str,
    /// Dedicated vCPUs.
    pub vcpus: u32,
    /// Memory in GiB.
    pub memory_gib: u32,
    /// List price per month in USD for a single node (no standby).
    pub monthly_usd: f64,
}

/// Ubicloud's standard sizes. The pricing page lists managed PostgreSQL at
/// $65 a month for 2 vCPU / 8 GiB and prices it linearly per vCPU; check
/// the page before a sign-off, prices change.
pub static TIERS: &[Tier] = &[
    Tier {
        name: "standard-2",
        vcpus: 2,
        memory_gib: 8,
        monthly_usd: 65.0,
    },
    Tier {
        name: "standard-4",
        vcpus: 4,
        memory_gib: 16,
        monthly_usd: 130.0,
    },
    Tier {
        name: "standard-8",
        vcpus: 8,
        memory_gib: 32,
        monthly_usd: 260.0,
    },
    Tier {
        name: "standard-16",
        vcpus: 16,
        memory_gib: 64,
        monthly_usd: 520.0,
    },
    Tier {
        name: "standard-30",
        vcpus: 30,
        memory_gib: 120,
        monthly_usd: 975.0,
    },
    Tier {
        name: "standard-60",
        vcpus: 60,
        memory_gib: 240,
        monthly_usd: 1950.0,
    },
];

/// High availability: the standbys billed beside the primary (`none`,
/// `async`, `sync` in the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HaType {
    /// No standby.
    None,
    /// One asynchronous standby.
    Async,
    /// Two synchronous standbys.
    Sync,
}

impl HaType {
    /// Nodes billed: the primary and its standbys.
    pub fn nodes(self) -> u32 {
        match self {
            HaType::None => 1,
            HaType::Async => 2,
            HaType::Sync => 3,
        }
    }
}

/// The envelope for Finance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostEnvelope {
    /// The tier.
    pub tier: Tier,
    /// The HA mode.
    pub ha: HaType,
    /// Monthly price with the standbys.
    pub monthly_usd: f64,
    /// Days of parallel running (3).
    pub days: u32,
    /// `monthly × days / 30`.
    pub parallel_run_usd: f64,
}

impl CostEnvelope {
    /// The envelope of running `tier` with `ha` for `days` (documented: 3)
    /// beside the swarm database; `None` for a tier not in [`TIERS`].
    pub fn for_tier(tier: &str, ha: HaType, days: u32) -> Option<Self> {
        let tier = *TIERS.iter().find(|t| t.name == tier)?;
        let monthly = tier.monthly_usd * f64::from(ha.nodes());
        Some(Self {
            tier,
            ha,
            monthly_usd: monthly,
            days,
            parallel_run_usd: monthly * f64::from(days) / 30.0,
        })
    }
}

impl std::fmt::Display for CostEnvelope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({} vCPU, {} GiB, {} node(s)): ${:.2}/month × {}/30 = ${:.2} for the parallel run — Finance sign-off: [ ]",
            self.tier.name,
            self.tier.vcpus,
            self.tier.memory_gib,
            self.ha.nodes(),
            self.monthly_usd,
            self.days,
            self.parallel_run_usd
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ubi_cut_009_the_documented_tier_costs_three_thirtieths_of_its_month() {
        let e = CostEnvelope::for_tier("standard-2", HaType::Async, 3).expect("known tier");
        assert!((e.monthly_usd - 130.0).abs() < 1e-9);
        assert!((e.parallel_run_usd - 13.0).abs() < 1e-9);
        assert!(e.to_string().contains("$13.00"), "{e}");
        assert!(CostEnvelope::for_tier("burstable-1", HaType::None, 3).is_none());
    }
}
