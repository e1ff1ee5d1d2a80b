//! Neighborhood councils (شورایاری), their terms, and the other pillars of a neighborhood.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::validate::FieldError;

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

/// A term's dates as they stand, for deciding whether another may begin or this one close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermDates {
    pub starts_on: NaiveDate,
    /// Planned end (or the day it was closed).
    pub ends_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
}

/// Whether a new term may run from `starts_on` to `ends_on` after the body's latest term: it
/// ends after it starts, and begins when the latest has ended (closed, or past its planned end)
/// — terms of one body never overlap.
pub fn check_new_term(
    latest: Option<TermDates>,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
) -> Result<(), FieldError> {
    if ends_on <= starts_on {
        return Err(FieldError::new(
            "ends_on",
            "پایان دوره باید پس از آغاز آن باشد.",
            "A term must end after it starts.",
        ));
    }
    if let Some(t) = latest {
        let end = t.closed_on.or(t.ends_on);
        if starts_on <= t.starts_on || end.is_none_or(|e| starts_on < e) {
            return Err(FieldError::new(
                "starts_on",
                "دوره تازه با دوره پیشین هم‌پوشانی دارد؛ نخست دوره پیشین را ببندید یا تاریخ آغاز را پس از پایان آن بگذارید.",
                "The new term overlaps the previous one; close the previous term first, or start after it ends.",
            ));
        }
    }
    Ok(())
}

/// Whether a term may be closed on `on`: not closed already, and not before it began.
pub fn check_close(t: TermDates, on: NaiveDate) -> Result<(), FieldError> {
    if t.closed_on.is_some() {
        return Err(FieldError::new(
            "closed_on",
            "این دوره پیش‌تر بسته شده است.",
            "This term is closed already.",
        ));
    }
    if on < t.starts_on {
        return Err(FieldError::new(
            "closed_on",
            "دوره پیش از آغازش بسته نمی‌شود.",
            "A term cannot close before it begins.",
        ));
    }
    Ok(())
}

/// One candidate's result as recorded: votes, and where equal votes straddle a seat the order
/// drawn by lot (1 first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub person_id: i64,
    pub votes: i64,
    pub lot: Option<i64>,
}

/// What an election gave a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Outcome {
    Elected,
    /// The n-th alternate (1 first), who fills the next seat that falls vacant.
    Alternate(i64),
    NotElected,
}

/// The most seats and alternates a council has.
pub const MAX_SEATS: i64 = 50;

/// Decides an election: candidates ordered by votes (then by lot), the first `seats` elected,
/// the next `alternates` alternates in order. Refused, with every reason, when the votes do not
/// add up (a candidate with more votes than ballots, or more votes in all than ballots × seats),
/// a person is listed twice, or equal votes straddle a seat or an alternate's place without an
/// order drawn by lot.
pub fn decide_election(
    seats: i64,
    alternates: i64,
    ballots: i64,
    candidates: &[Candidate],
) -> Result<Vec<(Candidate, Outcome)>, Vec<FieldError>> {
    let mut errors = Vec::new();
    if !(1..=MAX_SEATS).contains(&seats) || !(0..=MAX_SEATS).contains(&alternates) {
        errors.push(FieldError::new(
            "seats",
            "شمار کرسی‌ها ۱ تا ۵۰ و شمار اعضای علی‌البدل ۰ تا ۵۰ است.",
            "A council has 1–50 seats and 0–50 alternates.",
        ));
    }
    if candidates.is_empty() {
        errors.push(FieldError::new(
            "candidates",
            "نامزدها و رأی هر کدام را بنویسید.",
            "List the candidates and each one's votes.",
        ));
    }
    if ballots < 0 {
        errors.push(FieldError::new(
            "ballots",
            "شمار برگه‌های رأی نمی‌تواند منفی باشد.",
            "The number of ballots cannot be negative.",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for c in candidates {
        if !seen.insert(c.person_id) {
            errors.push(FieldError::new(
                "candidates",
                format!(
                    "فرد شماره {} دو بار آمده است.",
                    crate::text::to_persian_digits(&c.person_id.to_string())
                ),
                format!("Person #{} is listed twice.", c.person_id),
            ));
        }
        if c.votes < 0 || c.votes > ballots {
            errors.push(FieldError::new(
                "candidates",
                format!(
                    "رأی فرد شماره {} باید میان ۰ و شمار برگه‌ها ({}) باشد.",
                    crate::text::to_persian_digits(&c.person_id.to_string()),
                    crate::text::to_persian_digits(&ballots.to_string())
                ),
                format!(
                    "Person #{}'s votes must be between 0 and the number of ballots ({ballots}).",
                    c.person_id
                ),
            ));
        }
    }
    let total: i64 = candidates.iter().map(|c| c.votes.max(0)).sum();
    if ballots >= 0 && total > ballots.saturating_mul(seats.max(1)) {
        errors.push(FieldError::new(
            "candidates",
            "جمع رأی‌ها از شمار برگه‌ها ضرب در شمار کرسی‌ها بیشتر است؛ رأی‌ها جمع نمی‌خورد.",
            "The votes add up to more than ballots × seats; they do not add up.",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut ordered: Vec<Candidate> = candidates.to_vec();
    ordered.sort_by_key(|c| (std::cmp::Reverse(c.votes), c.lot.unwrap_or(i64::MAX)));
    // Where one place ends and the next begins, equal votes need distinct lots.
    let boundaries = [seats, seats + alternates];
    for &b in &boundaries {
        let b = b as usize;
        if b == 0 || b >= ordered.len() {
            continue;
        }
        let (last, next) = (ordered[b - 1], ordered[b]);
        if last.votes == next.votes && (last.lot.is_none() || last.lot == next.lot) {
            let tied: Vec<String> = ordered
                .iter()
                .filter(|c| c.votes == last.votes)
                .map(|c| format!("#{}", c.person_id))
                .collect();
            errors.push(FieldError::new(
                "candidates",
                format!(
                    "رأی {} برابر است و کرسی یا جایگاه علی‌البدل میانشان است؛ ترتیب قرعه را در ستون قرعه بنویسید.",
                    crate::text::to_persian_digits(&tied.join("، "))
                ),
                format!("{} have equal votes across a seat or an alternate's place; give the order drawn by lot.", tied.join(", ")),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ordered
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let i = i as i64;
            let outcome = if i < seats {
                Outcome::Elected
            } else if i < seats + alternates {
                Outcome::Alternate(i - seats + 1)
            } else {
                Outcome::NotElected
            };
            (c, outcome)
        })
        .collect())
}

/// Whether a sitting member may take `role`: officers are members, not alternates, and a
/// council has one chair, one vice-chair and one secretary at a time. `others` are the roles of
/// the other sitting members.
pub fn check_role(
    current: MemberRole,
    role: MemberRole,
    others: &[MemberRole],
) -> Result<(), FieldError> {
    if current == MemberRole::Alternate || role == MemberRole::Alternate {
        return Err(FieldError::new(
            "role",
            "عضو علی‌البدل تنها با خالی‌شدن کرسی عضو می‌شود.",
            "An alternate becomes a member only when a seat falls vacant.",
        ));
    }
    if role != MemberRole::Member && others.contains(&role) {
        return Err(FieldError::new(
            "role",
            "این سمت را عضو دیگری دارد؛ نخست سمت او را تغییر دهید.",
            "Another member holds this office; change theirs first.",
        ));
    }
    Ok(())
}

/// Why a member's service ended before the term did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Departure {
    Resigned,
    Removed,
    Deceased,
}

impl Departure {
    pub const ALL: [Departure; 3] = [Departure::Resigned, Departure::Removed, Departure::Deceased];
    pub fn as_str(self) -> &'static str {
        match self {
            Departure::Resigned => "resigned",
            Departure::Removed => "removed",
            Departure::Deceased => "deceased",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
    pub fn label_fa(self) -> &'static str {
        match self {
            Departure::Resigned => "استعفا",
            Departure::Removed => "برکناری",
            Departure::Deceased => "درگذشت",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Departure::Resigned => "Resigned",
            Departure::Removed => "Removed",
            Departure::Deceased => "Deceased",
        }
    }
}

/// A step of a new member's onboarding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnboardingStep {
    /// Attended the orientation session.
    Orientation,
    /// Has an account for their neighborhood.
    Account,
    /// Their phone or e-mail was checked.
    Contact,
}

impl OnboardingStep {
    pub const ALL: [OnboardingStep; 3] = [
        OnboardingStep::Orientation,
        OnboardingStep::Account,
        OnboardingStep::Contact,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            OnboardingStep::Orientation => "orientation",
            OnboardingStep::Account => "account",
            OnboardingStep::Contact => "contact",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// How far a new member's onboarding has come: steps done of [`OnboardingStep::ALL`].
pub fn onboarding_done(orientation: bool, account: bool, contact: bool) -> usize {
    [orientation, account, contact]
        .into_iter()
        .filter(|d| *d)
        .count()
}

/// The account name a council member's account gets (`shura-1234`); the person's number keeps it
/// unique and stable across terms.
pub fn council_username(person_id: i64) -> String {
    format!("shura-{person_id}")
}

/// A recognition's certificate number: Jalali year, district and the recognition's own number
/// (`1405/14/00231`), unique by the last part.
pub fn certificate_no(jalali_year: i32, district: Option<i64>, id: i64) -> String {
    format!("{jalali_year}/{:02}/{id:05}", district.unwrap_or(0))
}

/// Why a former council member is thanked, in Persian and English.
pub fn thanks_reason(
    role: MemberRole,
    term: i64,
    council_fa: &str,
    council_en: &str,
) -> (String, String) {
    (
        format!(
            "به پاس خدمات ارزشمند در جایگاه {} {} در دوره {}",
            role.label_fa(),
            council_fa,
            crate::text::to_persian_digits(&term.to_string())
        ),
        format!(
            "For valued service as {} of {} in its term {term}",
            role.label_en().to_lowercase(),
            council_en
        ),
    )
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

    fn c(person_id: i64, votes: i64) -> Candidate {
        Candidate {
            person_id,
            votes,
            lot: None,
        }
    }

    #[test]
    fn elections_seat_the_most_voted_then_alternates_in_order() {
        let r = decide_election(2, 1, 100, &[c(1, 40), c(2, 90), c(3, 10), c(4, 55)]).unwrap();
        let by: Vec<(i64, Outcome)> = r.iter().map(|(c, o)| (c.person_id, *o)).collect();
        assert_eq!(
            by,
            vec![
                (2, Outcome::Elected),
                (4, Outcome::Elected),
                (1, Outcome::Alternate(1)),
                (3, Outcome::NotElected)
            ]
        );
    }

    #[test]
    fn votes_that_do_not_add_up_and_people_twice_are_refused() {
        assert!(
            decide_election(2, 0, 10, &[c(1, 11)]).is_err(),
            "more votes than ballots"
        );
        assert!(
            decide_election(1, 0, 10, &[c(1, 6), c(2, 6)]).is_err(),
            "more than ballots × seats"
        );
        assert!(
            decide_election(2, 0, 10, &[c(1, 6), c(1, 3)]).is_err(),
            "a person twice"
        );
        assert!(decide_election(2, 0, 10, &[]).is_err());
        assert!(decide_election(0, 0, 10, &[c(1, 1)]).is_err());
        assert!(decide_election(1, 0, 10, &[c(1, -1)]).is_err());
    }

    #[test]
    fn ties_across_a_seat_need_a_lot_but_not_elsewhere() {
        let tied = [c(1, 30), c(2, 20), c(3, 20), c(4, 5)];
        let e = decide_election(2, 0, 100, &tied).unwrap_err();
        assert!(e[0].en.contains("#2") && e[0].en.contains("#3"), "{e:?}");
        // The lot decides.
        let lots = [
            c(1, 30),
            Candidate {
                lot: Some(2),
                ..c(2, 20)
            },
            Candidate {
                lot: Some(1),
                ..c(3, 20)
            },
            c(4, 5),
        ];
        let r = decide_election(2, 1, 100, &lots).unwrap();
        assert_eq!((r[1].0.person_id, r[1].1), (3, Outcome::Elected));
        assert_eq!((r[2].0.person_id, r[2].1), (2, Outcome::Alternate(1)));
        // A tie among those not elected is no one's concern.
        assert!(decide_election(1, 0, 100, &[c(1, 30), c(2, 5), c(3, 5)]).is_ok());
    }

    #[test]
    fn terms_never_overlap_and_close_once() {
        let t = TermDates {
            starts_on: d(2021, 8, 23),
            ends_on: Some(d(2025, 8, 23)),
            closed_on: None,
        };
        assert!(
            check_new_term(Some(t), d(2025, 8, 23), d(2029, 8, 22)).is_ok(),
            "from its planned end"
        );
        assert!(
            check_new_term(Some(t), d(2024, 1, 1), d(2028, 1, 1)).is_err(),
            "overlap"
        );
        let closed = TermDates {
            closed_on: Some(d(2024, 1, 1)),
            ..t
        };
        assert!(
            check_new_term(Some(closed), d(2024, 1, 1), d(2028, 1, 1)).is_ok(),
            "closed early"
        );
        assert!(
            check_new_term(None, d(2025, 1, 1), d(2025, 1, 1)).is_err(),
            "ends after it starts"
        );
        assert!(check_close(t, d(2025, 8, 23)).is_ok());
        assert!(check_close(closed, d(2025, 8, 23)).is_err(), "closed twice");
        assert!(check_close(t, d(2021, 1, 1)).is_err());
    }

    #[test]
    fn one_officer_of_each_kind_and_no_alternate_officers() {
        use MemberRole::*;
        assert!(check_role(Member, Chair, &[ViceChair, Member]).is_ok());
        assert!(check_role(Member, Chair, &[Chair]).is_err());
        assert!(check_role(Member, Member, &[Member]).is_ok());
        assert!(check_role(Alternate, Secretary, &[]).is_err());
        for dep in Departure::ALL {
            assert_eq!(Departure::parse(dep.as_str()), Some(dep));
        }
    }

    #[test]
    fn term_change_helpers() {
        assert_eq!(onboarding_done(true, false, true), 2);
        assert_eq!(council_username(12), "shura-12");
        assert_eq!(certificate_no(1405, Some(14), 231), "1405/14/00231");
        let (fa, en) = thanks_reason(
            MemberRole::Secretary,
            5,
            "شورایاری محله پیروزی",
            "Pirouzi council",
        );
        assert!(fa.contains("دبیر") && fa.contains("۵"), "{fa}");
        assert!(en.contains("secretary") && en.contains("term 5"));
        for s in OnboardingStep::ALL {
            assert_eq!(OnboardingStep::parse(s.as_str()), Some(s));
        }
    }
}
