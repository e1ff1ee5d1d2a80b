//! Meetings: who chairs them, who is invited and who was present.
//!
//! A meeting invites people and organisations; after it, the secretariat marks which of the
//! invitees were present. [`decide_attendance`] is the one rule every form and the API go
//! through: invitations are only ever added (an invitation is a fact of the record), and only an
//! invitee can be marked present.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::coded::coded_enum;
use crate::text::{search_key, to_latin_digits};

coded_enum!(
    /// The kinds of meetings that decide things.
    MeetingKind {
        HqSession = "hq_session", "جلسه قرارگاه اجتماعی", "Social HQ session";
        SupervisoryVisit = "supervisory_visit", "نشست نظارت ستادی", "Supervisory visit";
        ThinkTank = "think_tank", "نشست هم‌اندیشی", "Think-tank session";
        CouncilMeeting = "council_meeting", "جلسه شورا", "Council meeting";
        PeoplesMeeting = "peoples_meeting", "دیدار مردمی", "People's meeting";
    }
);
use crate::validate::FieldError;

/// Someone invited to a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Party {
    Person(i64),
    Organisation(i64),
}

impl Party {
    /// `p12` or `o5`: the value of a form's checkbox.
    pub fn key(self) -> String {
        match self {
            Party::Person(id) => format!("p{id}"),
            Party::Organisation(id) => format!("o{id}"),
        }
    }

    pub fn parse(s: &str) -> Option<Party> {
        let s = s.trim();
        let (kind, id) = s.split_at(s.char_indices().nth(1).map_or(s.len(), |(i, _)| i));
        let id: i64 = id.parse().ok().filter(|n| *n > 0)?;
        match kind {
            "p" => Some(Party::Person(id)),
            "o" => Some(Party::Organisation(id)),
            _ => None,
        }
    }
}

/// Invitations may not grow without bound: a session's hall holds a few hundred.
pub const MAX_INVITEES: usize = 500;

/// A meeting's chair and attendance as it is to be recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Attendance {
    pub chair_person_id: Option<i64>,
    /// In the order they were invited.
    pub invited: Vec<Party>,
    pub present: BTreeSet<Party>,
}

impl Attendance {
    pub fn is_present(&self, p: Party) -> bool {
        self.present.contains(&p)
    }
}

/// The attendance after a change: `current` invitees stay invited, `invite` are added (repeats
/// ignored), and exactly the parties in `present` are present. Marking someone present who is
/// not invited is an error, as is inviting more than [`MAX_INVITEES`].
pub fn decide_attendance(
    current: &[Party],
    chair_person_id: Option<i64>,
    invite: &[Party],
    present: &[Party],
) -> Result<Attendance, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut invited: Vec<Party> = Vec::with_capacity(current.len() + invite.len());
    let mut seen = BTreeSet::new();
    for p in current.iter().chain(invite) {
        if seen.insert(*p) {
            invited.push(*p);
        }
    }
    if invited.len() > MAX_INVITEES {
        errors.push(FieldError::new(
            "invited",
            format!(
                "حداکثر {} دعوت‌شده برای هر جلسه پذیرفته می‌شود.",
                crate::text::to_persian_digits(&MAX_INVITEES.to_string())
            ),
            format!("A meeting can have at most {MAX_INVITEES} invitees."),
        ));
    }
    let present: BTreeSet<Party> = present.iter().copied().collect();
    if present.iter().any(|p| !seen.contains(p)) {
        errors.push(FieldError::new(
            "present",
            "تنها دعوت‌شدگان جلسه را می‌توان حاضر ثبت کرد.",
            "Only those invited to the meeting can be marked present.",
        ));
    }
    if errors.is_empty() {
        Ok(Attendance {
            chair_person_id,
            invited,
            present,
        })
    } else {
        Err(errors)
    }
}

/// How a person is named in a form: by number (`12`, `#12`, `۱۲`, `#12 Ali Rezaei`) or by full
/// name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonRef {
    Id(i64),
    /// The name as typed, and its search key.
    Name {
        typed: String,
        key: String,
    },
}

impl PersonRef {
    pub fn parse(s: &str) -> Option<PersonRef> {
        let t = s.trim();
        if t.is_empty() {
            return None;
        }
        let latin = to_latin_digits(t);
        // "#12 Ali Rezaei", as the meeting page writes the current chair: the number decides.
        if let Some(rest) = latin.strip_prefix('#') {
            let digits: String = rest
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(id) = digits.parse::<i64>() {
                return Some(PersonRef::Id(id));
            }
        }
        if let Ok(id) = latin.parse::<i64>() {
            return Some(PersonRef::Id(id));
        }
        Some(PersonRef::Name {
            typed: t.to_string(),
            key: search_key(t),
        })
    }

    /// One person a line (or separated by `،` or `;`).
    pub fn parse_list(s: &str) -> Vec<PersonRef> {
        s.split(['\n', '،', ';'])
            .filter_map(PersonRef::parse)
            .collect()
    }

    /// Of `candidates` (id, Persian name, Latin name) the one this reference names, or an
    /// explanation for the field `field`: no such person, or several of that name.
    pub fn pick(
        &self,
        field: &'static str,
        candidates: &[(i64, String, String)],
    ) -> Result<i64, FieldError> {
        let found: Vec<i64> = match self {
            PersonRef::Id(id) => candidates
                .iter()
                .filter(|c| c.0 == *id)
                .map(|c| c.0)
                .collect(),
            PersonRef::Name { key, .. } => candidates
                .iter()
                .filter(|c| {
                    search_key(&c.1) == *key || (!c.2.is_empty() && search_key(&c.2) == *key)
                })
                .map(|c| c.0)
                .collect(),
        };
        let typed = match self {
            PersonRef::Id(id) => format!("#{id}"),
            PersonRef::Name { typed, .. } => typed.clone(),
        };
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(FieldError::new(
                field,
                format!("«{typed}» در فهرست افراد پیدا نشد؛ نام کامل یا شماره فرد را بنویسید."),
                format!("“{typed}” is not in the list of people; write the full name or the person's number."),
            )),
            many => {
                let ids = many
                    .iter()
                    .map(|i| format!("#{i}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                Err(FieldError::new(
                    field,
                    format!("چند نفر «{typed}» نام دارند ({}); شماره یکی را بنویسید.", crate::text::to_persian_digits(&ids)),
                    format!("Several people are called “{typed}” ({ids}); write the number of one."),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Party::{Organisation as O, Person as P};

    #[test]
    fn party_keys_round_trip() {
        for p in [P(12), O(5)] {
            assert_eq!(Party::parse(&p.key()), Some(p));
        }
        assert_eq!(Party::parse("x3"), None);
        assert_eq!(Party::parse("p"), None);
        assert_eq!(Party::parse("p-1"), None);
        assert_eq!(Party::parse(""), None);
    }

    #[test]
    fn invitations_accumulate_and_presence_is_replaced() {
        let a = decide_attendance(&[O(1), P(2)], Some(9), &[P(2), P(3)], &[P(3)]).unwrap();
        assert_eq!(
            a.invited,
            vec![O(1), P(2), P(3)],
            "kept in order, no repeats"
        );
        assert!(a.is_present(P(3)) && !a.is_present(O(1)));
        assert_eq!(a.chair_person_id, Some(9));
        // Unmarking: an empty present list makes everyone absent again.
        let b = decide_attendance(&a.invited, None, &[], &[]).unwrap();
        assert!(b.present.is_empty());
        assert_eq!(b.invited.len(), 3);
    }

    #[test]
    fn only_invitees_can_be_present() {
        let e = decide_attendance(&[O(1)], None, &[], &[O(2)]).unwrap_err();
        assert_eq!(e[0].field, "present");
        assert!(e[0].fa.contains("دعوت‌شدگان") && e[0].en.contains("invited"));
        // Invited and marked present in the same change is fine.
        assert!(decide_attendance(&[], None, &[O(2)], &[O(2)]).is_ok());
    }

    #[test]
    fn too_many_invitees_are_refused() {
        let many: Vec<Party> = (1..=MAX_INVITEES as i64 + 1).map(P).collect();
        let e = decide_attendance(&[], None, &many, &[]).unwrap_err();
        assert_eq!(e[0].field, "invited");
    }

    #[test]
    fn people_are_named_by_number_or_full_name() {
        assert_eq!(PersonRef::parse(" #۱۲ "), Some(PersonRef::Id(12)));
        assert_eq!(PersonRef::parse("12"), Some(PersonRef::Id(12)));
        assert_eq!(PersonRef::parse("#12 علی رضایی"), Some(PersonRef::Id(12)));
        assert_eq!(PersonRef::parse("  "), None);
        let list = PersonRef::parse_list("علی رضایی\n\n#7، مريم كريمي");
        assert_eq!(list.len(), 3);
        let people = vec![
            (5, "مریم کریمی".to_string(), "Maryam Karimi".to_string()),
            (6, "علی رضایی".to_string(), "Ali Rezaei".to_string()),
            (7, "علی رضایی".to_string(), String::new()),
        ];
        // Arabic ي/ك match Persian ی/ک; Latin names match too.
        assert_eq!(list[2].pick("f", &people), Ok(5));
        assert_eq!(
            PersonRef::parse("maryam karimi")
                .unwrap()
                .pick("f", &people),
            Ok(5)
        );
        assert_eq!(list[1].pick("f", &people), Ok(7));
        let twice = list[0].pick("chair", &people).unwrap_err();
        assert_eq!(twice.field, "chair");
        assert!(twice.en.contains("#6, #7"), "{}", twice.en);
        let none = PersonRef::parse("ناشناس")
            .unwrap()
            .pick("f", &people)
            .unwrap_err();
        assert!(none.fa.contains("پیدا نشد"));
    }
}
