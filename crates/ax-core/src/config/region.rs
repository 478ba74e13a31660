//! Arize regions (API.md §1.1) and the spellings accepted for them.

use crate::error::{Error, Result};

/// Arize regions (API.md §1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    UsCentral1a,
    UsEast1b,
    CaCentral1a,
    EuWest1a,
}

/// The official CLI's short aliases (`ax profiles create --region EU`).
const ALIASES: [(&str, Region); 3] = [
    ("US", Region::UsEast1b),
    ("CA", Region::CaCentral1a),
    ("EU", Region::EuWest1a),
];

impl Region {
    /// All regions, in documentation order.
    pub const ALL: [Region; 4] = [
        Region::UsCentral1a,
        Region::UsEast1b,
        Region::CaCentral1a,
        Region::EuWest1a,
    ];

    /// Wire/config name, e.g. `us-central-1a`.
    pub fn as_str(self) -> &'static str {
        match self {
            Region::UsCentral1a => "us-central-1a",
            Region::UsEast1b => "us-east-1b",
            Region::CaCentral1a => "ca-central-1a",
            Region::EuWest1a => "eu-west-1a",
        }
    }

    /// The member name of the official SDK's `arize.regions.Region` enum, e.g.
    /// `US_CENTRAL_1A`.
    pub fn enum_name(self) -> &'static str {
        match self {
            Region::UsCentral1a => "US_CENTRAL_1A",
            Region::UsEast1b => "US_EAST_1B",
            Region::CaCentral1a => "CA_CENTRAL_1A",
            Region::EuWest1a => "EU_WEST_1A",
        }
    }

    /// API host of the region, `api.<region>.arize.com`.
    pub fn host(self) -> String {
        format!("api.{}.arize.com", self.as_str())
    }

    /// Parses a region given as its value (`eu-west-1a`), the official enum's member name
    /// (`EU_WEST_1A`) or one of the official CLI's aliases (`US` = us-east-1b, `CA`, `EU`),
    /// in any case; surrounding whitespace is ignored. The error lists the allowed values.
    pub fn parse(value: &str) -> Result<Region> {
        let v = value.trim();
        let found = Region::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(v) || r.enum_name().eq_ignore_ascii_case(v))
            .or_else(|| {
                ALIASES
                    .iter()
                    .find(|(alias, _)| alias.eq_ignore_ascii_case(v))
                    .map(|(_, r)| *r)
            });
        found.ok_or_else(|| Error::Config(format!("unknown region '{v}'; {}", Region::allowed())))
    }

    /// `allowed values: us-central-1a, ...` for error messages.
    pub fn allowed() -> String {
        let values: Vec<&str> = Region::ALL.iter().map(|r| r.as_str()).collect();
        format!(
            "allowed values: {} (also the SDK enum names such as EU_WEST_1A, and the aliases US = us-east-1b, CA = ca-central-1a, EU = eu-west-1a; any case)",
            values.join(", ")
        )
    }
}

impl std::fmt::Display for Region {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_names_and_aliases_in_any_case() {
        for (text, region) in [
            ("eu-west-1a", Region::EuWest1a),
            (" EU-WEST-1A ", Region::EuWest1a),
            ("EU_WEST_1A", Region::EuWest1a),
            ("eu_west_1a", Region::EuWest1a),
            ("EU", Region::EuWest1a),
            ("eu", Region::EuWest1a),
            ("US", Region::UsEast1b),
            ("CA", Region::CaCentral1a),
            ("us-central-1a", Region::UsCentral1a),
            ("US_CENTRAL_1A", Region::UsCentral1a),
            ("ca-central-1a", Region::CaCentral1a),
        ] {
            assert_eq!(Region::parse(text).unwrap(), region, "{text}");
        }
        for r in Region::ALL {
            assert_eq!(Region::parse(r.as_str()).unwrap(), r);
            assert_eq!(Region::parse(r.enum_name()).unwrap(), r);
            assert_eq!(r.to_string(), r.as_str());
        }
    }

    #[test]
    fn unknown_regions_list_every_spelling() {
        for bad in ["", "mars-1", "UNSET", "eu-west", "USA", "us-east-1b-x"] {
            let msg = Region::parse(bad).unwrap_err().to_string();
            for part in [
                "us-central-1a",
                "us-east-1b",
                "ca-central-1a",
                "eu-west-1a",
                "EU_WEST_1A",
                "US = us-east-1b",
            ] {
                assert!(msg.contains(part), "{part}: {msg}");
            }
            assert!(msg.contains(&format!("'{}'", bad.trim())), "{msg}");
        }
    }
}
