//! UBI-CUT-011: Hetzner locations and the names Ubicloud's API gives them,
//! in one typed table. Residency is Falkenstein (`fsn1` = `eu-central-h1`).

/// A location both providers know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// Hetzner's name (`fsn1`).
    pub hetzner: &'static str,
    /// Ubicloud's name (`eu-central-h1`).
    pub ubicloud: &'static str,
    /// Where it is.
    pub city: &'static str,
}

impl Location {
    /// Falkenstein, the only location the contract accepts.
    pub const FALKENSTEIN: Location = Location {
        hetzner: "fsn1",
        ubicloud: "eu-central-h1",
        city: "Falkenstein, Germany",
    };

    /// Every location of the table.
    pub const ALL: [Location; 2] = [
        Self::FALKENSTEIN,
        Location {
            hetzner: "hel1",
            ubicloud: "eu-north-h1",
            city: "Helsinki, Finland",
        },
    ];

    /// The location Hetzner calls `name`.
    pub fn from_hetzner(name: &str) -> Option<Location> {
        Self::ALL.into_iter().find(|l| l.hetzner == name)
    }

    /// The location Ubicloud calls `name`.
    pub fn from_ubicloud(name: &str) -> Option<Location> {
        Self::ALL.into_iter().find(|l| l.ubicloud == name)
    }

    /// UBI-CUT-011: whether data in this location meets the residency
    /// requirement.
    pub fn is_resident(&self) -> bool {
        *self == Self::FALKENSTEIN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ubi_cut_011_fsn1_is_eu_central_h1_and_the_only_resident_location() {
        assert_eq!(
            Location::from_hetzner("fsn1").map(|l| l.ubicloud),
            Some("eu-central-h1")
        );
        assert_eq!(
            Location::from_ubicloud("eu-central-h1").map(|l| l.hetzner),
            Some("fsn1")
        );
        assert!(Location::FALKENSTEIN.is_resident());
        assert!(!Location::from_hetzner("hel1").expect("known").is_resident());
        assert!(Location::from_hetzner("nbg1").is_none());
    }
}
