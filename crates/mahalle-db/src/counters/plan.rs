//! Which filters the counters can answer, and how: a [`Plan`], or `None` for the scan in
//! `resolutions` (search text, a meeting, a deadline range, partners with a place or domain…).

use chrono::{Days, NaiveDate};
use mahalle_core::resolutions::Status;
use mahalle_core::spans::cover;

use crate::resolutions::Filter;

/// Whose resolutions are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Anyone,
    /// Led by the organisation.
    Lead(i64),
    /// Partnered on by the organisation (whoever leads).
    Partner(i64),
    /// Led or partnered on by the organisation.
    Involving(i64),
}

/// A filter the counters can answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub who: Who,
    /// The rows' district must be one of these; `None`: any, city-wide ones included.
    pub districts: Option<Vec<i64>>,
    pub domain: Option<String>,
    /// The statuses counted, a subset of the four.
    pub statuses: Vec<&'static str>,
    /// Open work with a deadline in `[from, to)` only; `statuses` are then open ones.
    pub deadline: Option<(Option<NaiveDate>, Option<NaiveDate>)>,
}

impl Plan {
    /// Nothing can match (an empty status set, district set or deadline range).
    pub fn is_empty(&self) -> bool {
        self.statuses.is_empty()
            || self.districts.as_ref().is_some_and(|d| d.is_empty())
            || self
                .deadline
                .is_some_and(|(lo, hi)| cover(lo, hi).is_empty())
    }

    /// The same rows whoever leads or partners on them.
    pub fn for_anyone(&self) -> Plan {
        Plan {
            who: Who::Anyone,
            ..self.clone()
        }
    }

    /// The accountability table groups by lead, which the partner counters do not know.
    pub fn by_lead(&self) -> bool {
        matches!(self.who, Who::Anyone | Who::Lead(_))
    }
}

pub(super) fn is_open(s: &str) -> bool {
    Status::parse(s).is_some_and(Status::is_open)
}

/// The counter query equal to `resolutions::apply(f, terms, today)`, when there is one.
pub fn plan(f: &Filter, terms: &[String], today: NaiveDate) -> Option<Plan> {
    if !terms.is_empty()
        || f.meeting_id.is_some()
        || f.deadline_from.is_some()
        || f.deadline_to.is_some()
    {
        return None;
    }
    let who = match (f.lead_org_id, f.partner_org_id, f.involving_org_id) {
        (None, None, None) => Who::Anyone,
        (Some(o), None, None) => Who::Lead(o),
        (None, Some(o), None) => Who::Partner(o),
        (None, None, Some(o)) => Who::Involving(o),
        _ => return None,
    };
    let mut districts = f.district_id.map(|d| vec![d]);
    if let Some(reach) = f.reach.as_ref().filter(|r| !r.all) {
        // Neighborhood and organisation grants reach rows the counters cannot tell apart.
        if !reach.neighborhoods.is_empty() || !reach.organisations.is_empty() {
            return None;
        }
        districts = Some(match districts {
            Some(d) => d
                .into_iter()
                .filter(|d| reach.districts.contains(d))
                .collect(),
            None => reach.districts.clone(),
        });
    }
    let mut statuses: Vec<&'static str> = Status::ALL.iter().map(|s| s.as_str()).collect();
    if let Some(s) = &f.status {
        statuses.retain(|x| x == s);
    }
    if f.open_only || f.overdue || f.due_within.is_some() {
        statuses.retain(|s| is_open(s));
    }
    let mut deadline: Option<(Option<NaiveDate>, Option<NaiveDate>)> = None;
    let mut narrow = |lo: Option<NaiveDate>, hi: Option<NaiveDate>| {
        let (l0, h0) = deadline.unwrap_or((None, None));
        deadline = Some((l0.max(lo), min_opt(h0, hi)));
    };
    if f.overdue {
        narrow(None, Some(today));
    }
    if let Some(days) = f.due_within {
        let last = today
            .checked_add_days(Days::new(days.max(0) as u64))
            .unwrap_or(NaiveDate::MAX);
        narrow(Some(today), last.succ_opt());
    }
    if matches!(who, Who::Partner(_) | Who::Involving(_))
        && (districts.is_some() || f.domain.is_some() || !statuses.iter().all(|s| is_open(s)))
    {
        // Partner counters know open work by organisation and deadline only.
        return None;
    }
    Some(Plan {
        who,
        districts,
        domain: f.domain.clone(),
        statuses,
        deadline,
    })
}

/// Whether walking all `candidates` in page order to find the first `wanted` of the `matches`
/// among them reads few rows (at most 5,000 expected), so testing each row beats building the
/// set of all matches first.
pub fn walk_is_short(wanted: i64, matches: i64, candidates: i64) -> bool {
    matches > 0 && wanted.saturating_mul(candidates) / matches <= 5_000
}

pub(super) fn min_opt(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mahalle_core::access::Reach;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dense_matches_are_walked_sparse_ones_collected() {
        // The busiest organisation: a fifth of all overdue work is its.
        assert!(walk_is_short(25, 20_000, 100_000));
        // A small one: a few dozen among a hundred thousand.
        assert!(!walk_is_short(25, 40, 100_000));
        // Deep pages of a dense match walk far too.
        assert!(!walk_is_short(10_000, 20_000, 100_000));
        assert!(!walk_is_short(25, 0, 100_000));
    }

    fn today() -> NaiveDate {
        d(2026, 11, 25)
    }

    #[test]
    fn the_default_views_are_planned() {
        // Accountability of the whole city, and of a district.
        let all = Filter {
            reach: Some(Reach {
                all: true,
                ..Default::default()
            }),
            ..Default::default()
        };
        let p = plan(&all, &[], today()).unwrap();
        assert_eq!(p.who, Who::Anyone);
        assert_eq!(p.districts, None);
        assert_eq!(p.statuses.len(), 4);
        assert_eq!(p.deadline, None);
        let p = plan(
            &Filter {
                district_id: Some(14),
                ..all.clone()
            },
            &[],
            today(),
        )
        .unwrap();
        assert_eq!(p.districts, Some(vec![14]));
        // The inbox tabs.
        let lead = Filter {
            lead_org_id: Some(7),
            open_only: true,
            ..Default::default()
        };
        let p = plan(&lead, &[], today()).unwrap();
        assert_eq!(p.who, Who::Lead(7));
        assert_eq!(p.statuses, vec!["approved", "in_progress"]);
        let overdue = Filter {
            involving_org_id: Some(7),
            overdue: true,
            ..Default::default()
        };
        let p = plan(&overdue, &[], today()).unwrap();
        assert_eq!(p.who, Who::Involving(7));
        assert_eq!(p.deadline, Some((None, Some(today()))));
        let soon = Filter {
            partner_org_id: Some(7),
            due_within: Some(7),
            ..Default::default()
        };
        let p = plan(&soon, &[], today()).unwrap();
        assert_eq!(p.deadline, Some((Some(today()), Some(d(2026, 12, 3)))));
    }

    #[test]
    fn what_counters_cannot_answer_falls_back_to_the_scan() {
        let base = Filter::default();
        assert!(plan(&base, &["x".to_string()], today()).is_none());
        for f in [
            Filter {
                meeting_id: Some(1),
                ..base.clone()
            },
            Filter {
                deadline_from: Some(today()),
                ..base.clone()
            },
            Filter {
                deadline_to: Some(today()),
                ..base.clone()
            },
            Filter {
                lead_org_id: Some(1),
                involving_org_id: Some(2),
                ..base.clone()
            },
            // Partners: open work only, by organisation and deadline only.
            Filter {
                involving_org_id: Some(2),
                ..base.clone()
            },
            Filter {
                partner_org_id: Some(2),
                open_only: true,
                district_id: Some(3),
                ..base.clone()
            },
            Filter {
                partner_org_id: Some(2),
                overdue: true,
                domain: Some("social".into()),
                ..base.clone()
            },
            Filter {
                reach: Some(Reach {
                    neighborhoods: vec![4],
                    ..Default::default()
                }),
                ..base.clone()
            },
            Filter {
                reach: Some(Reach {
                    organisations: vec![4],
                    ..Default::default()
                }),
                ..base.clone()
            },
        ] {
            assert!(plan(&f, &[], today()).is_none(), "{f:?}");
        }
    }

    #[test]
    fn reach_and_filters_narrow_the_plan() {
        let mayor = Reach {
            districts: vec![3, 4],
            ..Default::default()
        };
        let f = Filter {
            reach: Some(mayor.clone()),
            ..Default::default()
        };
        assert_eq!(plan(&f, &[], today()).unwrap().districts, Some(vec![3, 4]));
        let f = Filter {
            district_id: Some(5),
            reach: Some(mayor.clone()),
            ..Default::default()
        };
        assert!(plan(&f, &[], today()).unwrap().is_empty());
        // No grants at all: nothing.
        let f = Filter {
            reach: Some(Reach::default()),
            ..Default::default()
        };
        assert!(plan(&f, &[], today()).unwrap().is_empty());
        // A closed status with an open-only filter matches nothing.
        let f = Filter {
            status: Some("done".into()),
            overdue: true,
            ..Default::default()
        };
        assert!(plan(&f, &[], today()).unwrap().is_empty());
        // Overdue and due soon at once: an empty range.
        let f = Filter {
            overdue: true,
            due_within: Some(7),
            ..Default::default()
        };
        assert!(plan(&f, &[], today()).unwrap().is_empty());
        // A partner tab with a closed status is not something partner counters know.
        let f = Filter {
            partner_org_id: Some(1),
            status: Some("done".into()),
            ..Default::default()
        };
        assert!(plan(&f, &[], today()).is_none());
    }
}
