//! Kinds of organisations that take part in city governance.

use serde::{Deserialize, Serialize};

use crate::validate::FieldError;

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

/// An organisation's code: 1–40 Latin letters, digits, '-', '.' or '_', upper-cased (like
/// `DEP-SOC` or `AG-WATER`).
pub fn code(input: &str) -> Result<String, FieldError> {
    let c = crate::text::to_latin_digits(input.trim()).to_uppercase();
    if crate::requests::is_valid_code(&c) {
        Ok(c)
    } else {
        Err(FieldError::new(
            "code",
            "کد ۱ تا ۴۰ حرف لاتین، رقم، خط تیره، نقطه یا زیرخط است (مانند AG-WATER).",
            "The code is 1–40 Latin letters, digits, '-', '.' or '_' (like AG-WATER).",
        ))
    }
}

/// Where an organisation of a kind must sit: a neighborhood council in a neighborhood, a
/// district's municipality in a district; the city's own bodies in no district.
pub fn check_placement(
    kind: OrgKind,
    district: Option<i64>,
    neighborhood: Option<i64>,
) -> Result<(), FieldError> {
    match kind {
        OrgKind::NeighborhoodCouncil if neighborhood.is_none() => Err(FieldError::new(
            "neighborhood_id",
            "شورایاری باید محله‌اش را داشته باشد.",
            "A neighborhood council needs its neighborhood.",
        )),
        OrgKind::DistrictOffice if district.is_none() => Err(FieldError::new(
            "district_id",
            "شهرداری منطقه باید منطقه‌اش را داشته باشد.",
            "A district municipality needs its district.",
        )),
        OrgKind::Council | OrgKind::Municipality | OrgKind::Headquarters | OrgKind::Deputy
            if district.is_some() || neighborhood.is_some() =>
        {
            Err(FieldError::new(
                "district_id",
                "شورای شهر، شهرداری، قرارگاه و معاونت‌ها شهری‌اند و منطقه ندارند.",
                "The City Council, the Municipality, headquarters and deputies are city-wide and have no district.",
            ))
        }
        _ => Ok(()),
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

    #[test]
    fn codes_and_placement() {
        assert_eq!(code(" ag-water ").unwrap(), "AG-WATER");
        assert!(code("آب").is_err() && code("").is_err());
        assert!(check_placement(OrgKind::NeighborhoodCouncil, Some(14), None).is_err());
        assert!(check_placement(OrgKind::NeighborhoodCouncil, Some(14), Some(3)).is_ok());
        assert!(check_placement(OrgKind::DistrictOffice, None, None).is_err());
        assert!(check_placement(OrgKind::Deputy, Some(14), None).is_err());
        assert!(check_placement(OrgKind::Agency, None, None).is_ok());
        assert!(check_placement(OrgKind::Institution, Some(2), None).is_ok());
    }
}
