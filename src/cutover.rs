//! The cutover's adapters: busflow-ubicloud's runbook composed with
//! busflow-backup's pins (UBI-CUT-004) and busflow-swarm's one-update
//! secret swap (UBI-CUT-002). They live in the one package that depends on
//! all three, so the crates stay independent of each other.

#[cfg(feature = "swarm")]
use busflow_ubicloud::cutover::Target;

/// Pins the newest dump of a store in a pins file (`backup-verify --prune
/// --pins` honours it), for the runbook's pin step.
#[cfg(feature = "backup")]
#[derive(Debug)]
pub struct BackupPinner<S> {
    /// The store holding the dumps.
    pub store: S,
    /// The dumps' key prefix.
    pub prefix: String,
    /// The pins file.
    pub file: std::path::PathBuf,
}

#[cfg(feature = "backup")]
#[async_trait::async_trait]
impl<S: busflow_backup::ObjectStore> busflow_ubicloud::cutover::DumpPinner for BackupPinner<S> {
    async fn pin_final_dump(&self, days: u32) -> Result<String, String> {
        let reason = format!("UBI-CUT-004: the final dump before the cutover, kept {days} days");
        busflow_backup::pin_newest(&self.store, &self.prefix, &self.file, days, &reason)
            .await
            .map(|pin| pin.key)
            .map_err(|e| e.to_string())
    }
}

/// The writer and reader secrets on each side of the cutover.
#[cfg(feature = "swarm")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretPairs {
    /// On the swarm database: writer, reader.
    pub swarm: [String; 2],
    /// On Ubicloud: writer, reader.
    pub ubicloud: [String; 2],
}

#[cfg(feature = "swarm")]
impl SecretPairs {
    /// The swaps that point both `targets` (the files the services read:
    /// writer, reader) at `to`'s secrets, together.
    pub fn swaps(&self, targets: [&str; 2], to: Target) -> Vec<busflow_swarm::ops::SecretSwap> {
        let (from, into) = match to {
            Target::Ubicloud => (&self.swarm, &self.ubicloud),
            Target::Swarm => (&self.ubicloud, &self.swarm),
        };
        (0..2)
            .map(|i| busflow_swarm::ops::SecretSwap {
                old: from[i].clone(),
                new: into[i].clone(),
                target: Some(targets[i].to_owned()),
            })
            .collect()
    }
}

/// Flips the writer and reader secrets of every service in one update
/// each (busflow-swarm's secret swap), between the swarm's pair and
/// Ubicloud's.
#[cfg(feature = "swarm")]
pub struct SwarmFlip {
    /// The swarm's Engine.
    pub engine: busflow_swarm::ops::Engine,
    /// The services that mount both secrets.
    pub services: Vec<String>,
    /// The secrets on each side.
    pub pairs: SecretPairs,
}

#[cfg(feature = "swarm")]
#[async_trait::async_trait]
impl busflow_ubicloud::cutover::SecretFlipper for SwarmFlip {
    async fn flip(&self, targets: [&str; 2], to: Target) -> Result<(), String> {
        let swaps = self.pairs.swaps(targets, to);
        let changes: Vec<(&str, Vec<busflow_swarm::ops::SecretSwap>)> = self
            .services
            .iter()
            .map(|s| (s.as_str(), swaps.clone()))
            .collect();
        busflow_swarm::ops::swap_secrets(
            &self.engine,
            &changes,
            busflow_swarm::ops::Waiting::default(),
        )
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
    }
}

#[cfg(all(test, feature = "swarm"))]
mod tests {
    use super::*;

    #[test]
    fn ubi_cut_002_the_flip_swaps_writer_and_reader_together_both_ways() {
        let pairs = SecretPairs {
            swarm: ["w_swarm".into(), "r_swarm".into()],
            ubicloud: ["w_ubi".into(), "r_ubi".into()],
        };
        let targets = ["busflow_db_writer", "busflow_db_reader"];
        let to_ubi = pairs.swaps(targets, Target::Ubicloud);
        let got: Vec<_> = to_ubi
            .iter()
            .map(|s| (s.old.as_str(), s.new.as_str(), s.target.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("w_swarm", "w_ubi", Some("busflow_db_writer")),
                ("r_swarm", "r_ubi", Some("busflow_db_reader"))
            ]
        );
        let back = pairs.swaps(targets, Target::Swarm);
        assert_eq!(
            (back[1].old.as_str(), back[1].new.as_str()),
            ("r_ubi", "r_swarm")
        );
    }
}
