//! Neighborhood councils (شورایاری), their terms, and the other pillars of a neighborhood.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Role of a person in a body for a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberRole {
    Chair,
    ViceChair,
    Secretary,
    Member,
    Alternate,
}

impl MemberRole {
    pub const ALL: [MemberRole; 5] = [
        MemberRole::Chair,
        MemberRole::ViceChair,
        MemberRole::Secretary,
        MemberRole::Member,
        MemberRole::Alternate,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            MemberRole::Chair => "chair",
            MemberRole::ViceChair => "vice_chair",
            MemberRole::Secretary => "secretary",
            MemberRole::Member => "member",
            MemberRole::Alternate => "alternate",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
    pub fn label_fa(self) -> &'static str {
        match self {
            MemberRole::Chair => "رئیس",
            MemberRole::ViceChair => "نایب‌رئیس",
            MemberRole::Secretary => "دبیر",
            MemberRole::Member => "عضو",
            MemberRole::Alternate => "عضو علی‌البدل",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            MemberRole::Chair => "Chair",
            MemberRole::ViceChair => "Vice-chair",
            MemberRole::Secretary => "Secretary",
            MemberRole::Member => "Member",
            MemberRole::Alternate => "Alternate",
        }
    }
    /// Display order within a council: officers first.
    pub fn rank(self) -> u8 {
        match self {
            MemberRole::Chair => 0,
            MemberRole::ViceChair => 1,
            MemberRole::Secretary => 2,
            MemberRole::Member => 3,
            MemberRole::Alternate => 4,
        }
    }
}

/// The pillars of neighborhood management besides the council (ارکان مدیریت محله).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PillarKind {
    Manager,
    Trustee,
    Imam,
    PeopleGroup,
    Elite,
}

impl PillarKind {
    pub const ALL: [PillarKind; 5] = [
        PillarKind::Manager,
        PillarKind::Trustee,
        PillarKind::Imam,
        PillarKind::PeopleGroup,
        PillarKind::Elite,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            PillarKind::Manager => "manager",
            PillarKind::Trustee => "trustee",
            PillarKind::Imam => "imam",
            PillarKind::PeopleGroup => "people_group",
            PillarKind::Elite => "elite",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
    pub fn label_fa(self) -> &'static str {
        match self {
            PillarKind::Manager => "مدیر محله",
            PillarKind::Trustee => "معتمد محل",
            PillarKind::Imam => "امام جماعت",
            PillarKind::PeopleGroup => "گروه مردمی",
            PillarKind::Elite => "نخبه محلی",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            PillarKind::Manager => "Neighborhood manager",
            PillarKind::Trustee => "Local trustee",
            PillarKind::Imam => "Mosque imam",
            PillarKind::PeopleGroup => "People's group",
            PillarKind::Elite => "Local elite",
        }
    }
}

/// Whether a term is current on `today`: started and not yet ended (end date exclusive).
pub fn term_is_current(starts_on: NaiveDate, ends_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    starts_on <= today && ends_on.is_none_or(|end| today < end)
}

/// Members of an ended term who have not yet been thanked (تقدیر) — the list a district
/// office works through when a new term begins.
pub fn awaiting_thanks(
    ended: Option<NaiveDate>,
    thanked: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    matches!(ended, Some(end) if end <= today) && thanked.is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn current_term_bounds() {
        let start = d(2021, 5, 1);
        let end = Some(d(2025, 5, 1));
        assert!(!term_is_current(start, end, d(2021, 4, 30)));
        assert!(term_is_current(start, end, d(2021, 5, 1)));
        assert!(term_is_current(start, end, d(2025, 4, 30)));
        assert!(!term_is_current(start, end, d(2025, 5, 1)));
        assert!(term_is_current(start, None, d(2030, 1, 1)));
    }

    #[test]
    fn thanks_due_only_after_the_end() {
        let today = d(2025, 6, 1);
        assert!(awaiting_thanks(Some(d(2025, 5, 1)), None, today));
        assert!(!awaiting_thanks(
            Some(d(2025, 5, 1)),
            Some(d(2025, 5, 20)),
            today
        ));
        assert!(!awaiting_thanks(None, None, today));
        assert!(!awaiting_thanks(Some(d(2025, 7, 1)), None, today));
    }

    #[test]
    fn role_codes_round_trip() {
        for r in MemberRole::ALL {
            assert_eq!(MemberRole::parse(r.as_str()), Some(r));
        }
        for p in PillarKind::ALL {
            assert_eq!(PillarKind::parse(p.as_str()), Some(p));
        }
    }
}
