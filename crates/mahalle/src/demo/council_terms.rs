//! The demo's change of term: recognitions with certificates for the former members already
//! thanked, and onboarding under way for the current term's members.

use mahalle_core::councils::{self as rules, MemberRole, OnboardingStep};
use mahalle_core::jalali::JalaliDate;
use mahalle_db::{councils, Tx};

use super::Rng;

/// Gives every thanked former member their recognition, and marks some onboarding steps of the
/// current members (orientation for about two thirds, contact for about half). Idempotent.
pub async fn term_change(tx: &mut Tx) -> anyhow::Result<(usize, usize)> {
    let mut given = 0;
    for u in councils::thanked_without_recognition(tx).await? {
        let role = MemberRole::parse(&u.role).unwrap_or(MemberRole::Member);
        let (fa, en) = rules::thanks_reason(role, u.term, &u.council_fa, &u.council_en);
        let (on, district) = (u.thanked_on, u.district_id);
        let reason = format!("{fa}\n{en}");
        let year = JalaliDate::from_gregorian(on).year;
        let new = councils::NewRecognition {
            person_id: u.person_id,
            membership_id: Some(u.membership_id),
            district_id: district,
            reason: &reason,
            given_on: on,
            given_by: None,
            kind: "council_service",
            giver: "",
            meeting_id: None,
        };
        if councils::give_recognition(tx, &new, |id| rules::certificate_no(year, district, id))
            .await?
            .is_some()
        {
            given += 1;
        }
    }
    let mut rng = Rng(1405);
    let mut steps = 0;
    for (membership, starts_on) in councils::sitting_members_of_open_terms(tx).await? {
        let day = starts_on + chrono::Days::new(7 + rng.below(30) as u64);
        if rng.chance(65) {
            councils::set_onboarding(tx, membership, OnboardingStep::Orientation, day, None)
                .await?;
            steps += 1;
        }
        if rng.chance(50) {
            councils::set_onboarding(tx, membership, OnboardingStep::Contact, day, None).await?;
            steps += 1;
        }
    }
    Ok((given, steps))
}
