//! Hetzner Cloud server types: (vCPU, RAM, architecture, deprecated), so
//! that "cpx21 or larger" is judged by resources, not by name order
//! (cpx22 has fewer cores than cpx21).

/// The CPU architecture of a server type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    /// x86-64 (Intel or AMD).
    X86,
    /// ARM64 (Ampere).
    Arm,
}

/// One Hetzner Cloud server type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerType {
    /// Its API name (`cpx21`).
    pub name: &'static str,
    /// Virtual CPUs.
    pub vcpus: u32,
    /// Memory in GB.
    pub ram_gb: u32,
    /// The architecture.
    pub arch: Arch,
    /// Whether Hetzner has deprecated it (no new servers can be ordered).
    pub deprecated: bool,
}

const fn t(
    name: &'static str,
    vcpus: u32,
    ram_gb: u32,
    arch: Arch,
    deprecated: bool,
) -> ServerType {
    ServerType {
        name,
        vcpus,
        ram_gb,
        arch,
        deprecated,
    }
}

/// The server types Hetzner Cloud has offered, from its published list.
pub static SERVER_TYPES: &[ServerType] = &[
    // Shared vCPU, Intel (CX): the Gen2 line replaced the deprecated Gen1.
    t("cx11", 1, 2, Arch::X86, true),
    t("cx21", 2, 4, Arch::X86, true),
    t("cx31", 2, 8, Arch::X86, true),
    t("cx41", 4, 16, Arch::X86, true),
    t("cx51", 8, 32, Arch::X86, true),
    t("cx22", 2, 4, Arch::X86, false),
    t("cx32", 4, 8, Arch::X86, false),
    t("cx42", 8, 16, Arch::X86, false),
    t("cx52", 16, 32, Arch::X86, false),
    // Shared vCPU, AMD (CPX).
    t("cpx11", 2, 2, Arch::X86, false),
    t("cpx21", 3, 4, Arch::X86, false),
    t("cpx31", 4, 8, Arch::X86, false),
    t("cpx41", 8, 16, Arch::X86, false),
    t("cpx51", 16, 32, Arch::X86, false),
    t("cpx12", 1, 2, Arch::X86, false),
    t("cpx22", 2, 4, Arch::X86, false),
    t("cpx32", 4, 8, Arch::X86, false),
    t("cpx42", 8, 16, Arch::X86, false),
    t("cpx52", 12, 24, Arch::X86, false),
    t("cpx62", 16, 32, Arch::X86, false),
    // Shared vCPU, Ampere (CAX).
    t("cax11", 2, 4, Arch::Arm, false),
    t("cax21", 4, 8, Arch::Arm, false),
    t("cax31", 8, 16, Arch::Arm, false),
    t("cax41", 16, 32, Arch::Arm, false),
    // Dedicated vCPU (CCX).
    t("ccx13", 2, 8, Arch::X86, false),
    t("ccx23", 4, 16, Arch::X86, false),
    t("ccx33", 8, 32, Arch::X86, false),
    t("ccx43", 16, 64, Arch::X86, false),
    t("ccx53", 32, 128, Arch::X86, false),
    t("ccx63", 48, 192, Arch::X86, false),
];

impl ServerType {
    /// The type called `name` (case-insensitive), if Hetzner has it.
    pub fn find(name: &str) -> Option<&'static ServerType> {
        SERVER_TYPES
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name.trim()))
    }

    /// Whether it has at least the cores and memory of `other`.
    pub fn at_least(&self, other: &ServerType) -> bool {
        self.vcpus >= other.vcpus && self.ram_gb >= other.ram_gb
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_is_judged_by_resources_not_by_name() {
        let cpx21 = ServerType::find("cpx21").expect("known");
        assert!(!ServerType::find("cpx22").expect("known").at_least(cpx21));
        assert!(ServerType::find("CPX31").expect("known").at_least(cpx21));
        assert!(!ServerType::find("cx22").expect("known").at_least(cpx21));
        assert!(ServerType::find("cx32").expect("known").at_least(cpx21));
        assert!(ServerType::find("cpx99").is_none());
    }
}
