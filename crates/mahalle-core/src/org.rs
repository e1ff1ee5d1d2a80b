//! Kinds of organisations that take part in city governance.

use serde::{Deserialize, Serialize};

/// What an organisation is. Stored as its `as_str()` code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Council,
    Headquarters,
    Municipality,
    Deputy,
    Department,
    DistrictOffice,
    Agency,
    Institution,
    NeighborhoodCouncil,
}

impl OrgKind {
    pub const ALL: [OrgKind; 9] = [
        OrgKind::Council,
        OrgKind::Headquarters,
        OrgKind::Municipality,
        OrgKind::Deputy,
        OrgKind::Department,
        OrgKind::DistrictOffice,
        OrgKind::Agency,
        OrgKind::Institution,
        OrgKind::NeighborhoodCouncil,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Council => "council",
            OrgKind::Headquarters => "headquarters",
            OrgKind::Municipality => "municipality",
            OrgKind::Deputy => "deputy",
            OrgKind::Department => "department",
            OrgKind::DistrictOffice => "district_office",
            OrgKind::Agency => "agency",
            OrgKind::Institution => "institution",
            OrgKind::NeighborhoodCouncil => "neighborhood_council",
        }
    }

    pub fn parse(s: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_fa(self) -> &'static str {
        match self {
            OrgKind::Council => "شورای شهر",
            OrgKind::Headquarters => "قرارگاه",
            OrgKind::Municipality => "شهرداری",
            OrgKind::Deputy => "معاونت",
            OrgKind::Department => "سازمان/اداره شهرداری",
            OrgKind::DistrictOffice => "شهرداری منطقه",
            OrgKind::Agency => "دستگاه",
            OrgKind::Institution => "نهاد",
            OrgKind::NeighborhoodCouncil => "شورایاری محله",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            OrgKind::Council => "City Council",
            OrgKind::Headquarters => "Headquarters",
            OrgKind::Municipality => "Municipality",
            OrgKind::Deputy => "Deputy mayor's office",
            OrgKind::Department => "Municipal department",
            OrgKind::DistrictOffice => "District municipality",
            OrgKind::Agency => "Government agency",
            OrgKind::Institution => "Institution",
            OrgKind::NeighborhoodCouncil => "Neighborhood council",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for k in OrgKind::ALL {
            assert_eq!(OrgKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(OrgKind::parse("club"), None);
    }
}
