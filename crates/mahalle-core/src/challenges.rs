//! Neighborhood challenges: the workflow a challenge goes through (raised → accepted → planned →
//! being solved → solved, or rejected with a reason), where it came from, how urgent it is, and
//! how alike two challenges' texts are (likely duplicates).

use crate::coded::coded_enum;
use crate::validate::FieldError;

coded_enum!(
    /// Where a challenge stands.
    ChallengeStatus {
        Raised = "raised", "طرح‌شده", "Raised";
        Accepted = "accepted", "پذیرفته‌شده", "Accepted";
        Planned = "planned", "در برنامه", "Planned";
        BeingSolved = "being_solved", "در دست رفع", "Being solved";
        Solved = "solved", "رفع‌شده", "Solved";
        Rejected = "rejected", "ردشده", "Rejected";
    }
);

coded_enum!(
    /// Who brought a challenge to the city.
    ChallengeSource {
        Citizens = "citizens", "درخواست‌های شهروندان", "Citizens' requests";
        Council = "council", "شورایاری", "Neighborhood council";
        Trustee = "trustee", "معتمد محل", "Trustee";
        Imam = "imam", "امام جماعت", "Imam";
        Manager = "manager", "مدیر محله", "Neighborhood manager";
        SupervisoryVisit = "supervisory_visit", "نشست نظارتی", "Supervisory visit";
        ThinkTank = "think_tank", "نشست هم‌اندیشی", "Think-tank";
    }
);

coded_enum!(
    /// How urgent a challenge is.
    ChallengePriority {
        Low = "low", "کم", "Low";
        Normal = "normal", "عادی", "Normal";
        High = "high", "زیاد", "High";
        Urgent = "urgent", "فوری", "Urgent";
    }
);

/// Whether a challenge may move from `from` to `to`, and with what reason: forward one step at a
/// time; rejected from any open step, with a reason; a solved challenge reopened, or a rejected
/// one reconsidered, with a reason.
pub fn transition(
    from: ChallengeStatus,
    to: ChallengeStatus,
    reason: &str,
) -> Result<(), FieldError> {
    use ChallengeStatus::*;
    let forward = matches!(
        (from, to),
        (Raised, Accepted) | (Accepted, Planned) | (Planned, BeingSolved) | (BeingSolved, Solved)
    );
    let needs_reason = matches!(
        (from, to),
        (Raised | Accepted | Planned | BeingSolved, Rejected)
            | (Solved, BeingSolved)
            | (Rejected, Raised)
    );
    if !forward && !needs_reason {
        return Err(FieldError::new(
            "status",
            format!(
                "چالش از «{}» به «{}» نمی‌رود.",
                from.label_fa(),
                to.label_fa()
            ),
            format!(
                "A challenge does not go from “{}” to “{}”.",
                from.label_en(),
                to.label_en()
            ),
        ));
    }
    if needs_reason && reason.trim().chars().count() < 3 {
        return Err(FieldError::new(
            "reason",
            "برای رد، بازگشایی یا بازنگری، دلیل را بنویسید.",
            "Rejecting, reopening or reconsidering needs a reason.",
        ));
    }
    Ok(())
}

/// The next steps a challenge in `from` can take, in order.
pub fn next_steps(from: ChallengeStatus) -> Vec<ChallengeStatus> {
    ChallengeStatus::ALL
        .iter()
        .copied()
        .filter(|&to| transition(from, to, "reason").is_ok())
        .collect()
}

/// How alike two search keys are (search keys have no spaces, so words cannot be compared):
/// the Dice coefficient of their character trigrams, 0 to 1.
pub fn similarity(a: &str, b: &str) -> f64 {
    let grams = |s: &str| -> std::collections::BTreeSet<[char; 3]> {
        let c: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
        c.windows(3).map(|w| [w[0], w[1], w[2]]).collect()
    };
    let (a, b) = (grams(a), grams(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    2.0 * a.intersection(&b).count() as f64 / (a.len() + b.len()) as f64
}

/// Of `others` (id, search key), those whose text is likely the same need as `key`, most alike
/// first.
pub fn likely_duplicates(key: &str, others: &[(i64, String)]) -> Vec<i64> {
    let mut scored: Vec<(f64, i64)> = others
        .iter()
        .map(|(id, k)| (similarity(key, k), *id))
        .filter(|(s, _)| *s >= 0.5)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, id)| id).collect()
}

impl ChallengeSource {
    /// Where an outcome of a meeting of this kind comes from.
    pub fn of_meeting(kind: crate::meetings::MeetingKind) -> ChallengeSource {
        use crate::meetings::MeetingKind as K;
        match kind {
            K::ThinkTank => ChallengeSource::ThinkTank,
            K::SupervisoryVisit => ChallengeSource::SupervisoryVisit,
            K::CouncilMeeting => ChallengeSource::Council,
            K::PeoplesMeeting => ChallengeSource::Citizens,
            K::HqSession => ChallengeSource::Manager,
        }
    }
}

/// Whether a meeting may record a challenge of this neighborhood as its outcome: a
/// neighborhood's meeting only its own, a district's only its district's, the city's any.
pub fn meeting_covers(
    meeting_district: Option<i64>,
    meeting_neighborhood: Option<i64>,
    district: i64,
    neighborhood: i64,
) -> bool {
    match (meeting_neighborhood, meeting_district) {
        (Some(n), _) => n == neighborhood,
        (None, Some(d)) => d == district,
        (None, None) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ChallengeStatus::*;

    #[test]
    fn a_challenge_moves_one_step_at_a_time_and_explains_going_back() {
        assert!(transition(Raised, Accepted, "").is_ok());
        assert!(transition(Raised, Planned, "").is_err(), "no skipping");
        assert!(
            transition(Planned, Rejected, "").is_err(),
            "rejecting needs a reason"
        );
        assert!(transition(Planned, Rejected, "خارج از وظایف شهرداری").is_ok());
        assert!(transition(Solved, BeingSolved, "").is_err());
        assert!(transition(Solved, BeingSolved, "دوباره خراب شد").is_ok());
        assert!(
            transition(Rejected, Accepted, "بازنگری").is_err(),
            "reconsidered means raised again"
        );
        assert_eq!(next_steps(Raised), vec![Accepted, Rejected]);
        assert_eq!(next_steps(Solved), vec![BeingSolved]);
    }

    #[test]
    fn similar_texts_are_likely_duplicates() {
        let k = crate::text::search_key("آبگرفتگی معبر خیابان پیروزی");
        let others = vec![
            (1, crate::text::search_key("آب‌گرفتگی معبر در خیابان پیروزی")),
            (2, crate::text::search_key("کمبود فضای سبز")),
            (3, crate::text::search_key("آبگرفتگی معبر")),
        ];
        assert_eq!(likely_duplicates(&k, &others), vec![1, 3]);
        assert_eq!(similarity("", "الف"), 0.0);
    }

    #[test]
    fn a_meetings_outcomes_stay_in_its_place() {
        assert!(meeting_covers(Some(14), Some(5), 14, 5));
        assert!(!meeting_covers(Some(14), Some(5), 14, 6));
        assert!(meeting_covers(Some(14), None, 14, 6));
        assert!(!meeting_covers(Some(14), None, 6, 60));
        assert!(meeting_covers(None, None, 6, 60));
        assert_eq!(
            ChallengeSource::of_meeting(crate::meetings::MeetingKind::ThinkTank),
            ChallengeSource::ThinkTank
        );
    }
}
