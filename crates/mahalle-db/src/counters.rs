//! Counters of the follow-up views, kept by triggers (migration 0004): the accountability table,
//! the inbox counts and the totals of the common lists read a few thousand counter rows instead
//! of scanning every resolution.
//!
//! Which filters the counters can answer is decided by [`plan`]; anything else (search text,
//! a meeting, a deadline range, partners together with a place or domain, …) falls back to the
//! scan in `resolutions`. Open work is counted by deadline at three grains (year, month, day), so
//! "overdue" (open and past its deadline, which depends on today) is the sum over the whole years,
//! months and days before today that [`cover`] names.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Days, NaiveDate};
use mahalle_core::resolutions::Status;

use crate::resolutions::{Accountability, Filter, InboxCounts};
use crate::sql::ids_sql;
use crate::{Result, Sql, Store};

/// A grain of the open-work counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grain {
    Year,
    Month,
    Day,
}

impl Grain {
    pub fn as_str(self) -> &'static str {
        match self {
            Grain::Year => "y",
            Grain::Month => "m",
            Grain::Day => "d",
        }
    }

    /// The period a deadline is counted in at this grain.
    pub fn period(self, d: NaiveDate) -> NaiveDate {
        match self {
            Grain::Year => NaiveDate::from_ymd_opt(d.year(), 1, 1).unwrap_or(d),
            Grain::Month => d.with_day(1).unwrap_or(d),
            Grain::Day => d,
        }
    }
}

/// Counter rows of one grain whose period is in `[from, to)` (`None`: unbounded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub grain: Grain,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

fn year_ceil(d: NaiveDate) -> NaiveDate {
    let start = Grain::Year.period(d);
    if start == d {
        d
    } else {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1).unwrap_or(NaiveDate::MAX)
    }
}

fn month_ceil(d: NaiveDate) -> NaiveDate {
    let start = Grain::Month.period(d);
    if start == d {
        d
    } else {
        start
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(NaiveDate::MAX)
    }
}

/// The spans whose counters add up to the open work with a deadline in `[lo, hi)`: whole years,
/// then whole months, then single days at the edges. Each deadline falls in exactly one span.
pub fn cover(lo: Option<NaiveDate>, hi: Option<NaiveDate>) -> Vec<Span> {
    if let (Some(l), Some(h)) = (lo, hi) {
        if l >= h {
            return Vec::new();
        }
    }
    let y1 = lo.map(year_ceil);
    let y2 = hi.map(|h| Grain::Year.period(h));
    let mut out = Vec::new();
    match (lo, hi, y1, y2) {
        (Some(l), Some(h), Some(a), Some(b)) if a >= b => months_days(l, h, &mut out),
        _ => {
            out.push(Span {
                grain: Grain::Year,
                from: y1,
                to: y2,
            });
            if let (Some(l), Some(a)) = (lo, y1) {
                months_days(l, a, &mut out);
            }
            if let (Some(b), Some(h)) = (y2, hi) {
                months_days(b, h, &mut out);
            }
        }
    }
    out
}

fn months_days(a: NaiveDate, b: NaiveDate, out: &mut Vec<Span>) {
    let days = |from: NaiveDate, to: NaiveDate, out: &mut Vec<Span>| {
        if from < to {
            out.push(Span {
                grain: Grain::Day,
                from: Some(from),
                to: Some(to),
            });
        }
    };
    if a >= b {
        return;
    }
    let m1 = month_ceil(a);
    let m2 = Grain::Month.period(b);
    if m1 < m2 {
        days(a, m1, out);
        out.push(Span {
            grain: Grain::Month,
            from: Some(m1),
            to: Some(m2),
        });
        days(m2, b, out);
    } else {
        days(a, b, out);
    }
}

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

fn is_open(s: &str) -> bool {
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
        let last = today + Days::new(days.max(0) as u64);
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

fn min_opt(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

fn strs_sql(list: &[&str]) -> String {
    // Statuses come from the fixed list above, never from input: inlined safely.
    list.iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(",")
}

/// A counter table, or its per-district twin when the plan names districts (the city-wide ones
/// are a twentieth of the size).
fn table(p: &Plan, name: &str) -> String {
    if p.districts.is_some() {
        format!("{name}_district")
    } else {
        name.to_string()
    }
}

/// The WHERE conditions of a plan on a counter table (alias `c`) with lead/district/domain
/// columns; `statuses` narrows further (e.g. to open ones).
fn push_lead_conds(s: &mut Sql, p: &Plan, statuses: &[&str]) {
    if let Who::Lead(o) | Who::Involving(o) = p.who {
        s.push(" AND c.lead_org_id = ").arg(o);
    }
    if let Some(d) = &p.districts {
        s.push(&format!(" AND c.district_id IN ({})", ids_sql(d)));
    }
    if let Some(d) = &p.domain {
        s.push(" AND c.domain = ").arg(d.as_str());
    }
    s.push(&format!(" AND c.status IN ({})", strs_sql(statuses)));
}

/// `SELECT key, part, SUM(n)` over the open-work counters of `table`: for each `(part, spans)`,
/// the rows in those spans that `conds` keeps, summed by `key` (a column of `c`, or a constant).
fn due_sums(
    table: &str,
    key: &str,
    parts: &[(i64, Vec<Span>)],
    conds: &dyn Fn(&mut Sql),
) -> Option<Sql> {
    let mut s = Sql::new("SELECT x.k, x.part, CAST(SUM(x.n) AS BIGINT) FROM (");
    let mut first = true;
    for (part, spans) in parts {
        for span in spans {
            if !first {
                s.push(" UNION ALL ");
            }
            first = false;
            s.push(&format!(
                "SELECT CAST({key} AS BIGINT) AS k, CAST({part} AS BIGINT) AS part, c.n FROM {table} c WHERE c.grain = '{}'",
                span.grain.as_str()
            ));
            if let Some(from) = span.from {
                s.push(" AND c.period >= ").arg(from);
            }
            if let Some(to) = span.to {
                s.push(" AND c.period < ").arg(to);
            }
            conds(&mut s);
        }
    }
    if first {
        return None;
    }
    s.push(") x GROUP BY x.k, x.part");
    Some(s)
}

async fn fetch_sums(store: &Store, sql: Option<Sql>) -> Result<Vec<(i64, i64, i64)>> {
    match sql {
        Some(s) => store.fetch_all(&s).await,
        None => Ok(Vec::new()),
    }
}

/// All open work, at any deadline (every open resolution is in exactly one year).
const ANY_DEADLINE: (Option<NaiveDate>, Option<NaiveDate>) = (None, None);

/// The number of resolutions a plan matches (a list's total).
pub async fn count(store: &Store, p: &Plan) -> Result<i64> {
    if p.is_empty() {
        return Ok(0);
    }
    let open: Vec<&str> = p.statuses.iter().copied().filter(|s| is_open(s)).collect();
    let mut total = 0;
    if matches!(p.who, Who::Anyone | Who::Lead(_)) && p.deadline.is_none() {
        let mut s = Sql::new(&format!(
            "SELECT CAST(COALESCE(SUM(c.n), 0) AS BIGINT) FROM {} c WHERE 1=1",
            table(p, "resolution_tally")
        ));
        push_lead_conds(&mut s, p, &p.statuses);
        return store.scalar(&s).await;
    }
    let (lo, hi) = p.deadline.unwrap_or(ANY_DEADLINE);
    let spans = cover(lo, hi);
    if !matches!(p.who, Who::Partner(_)) && !open.is_empty() {
        let sums = due_sums(
            &table(p, "resolution_open_due"),
            "0",
            &[(0, spans.clone())],
            &|s| push_lead_conds(s, p, &open),
        );
        total += fetch_sums(store, sums)
            .await?
            .iter()
            .map(|r| r.2)
            .sum::<i64>();
    }
    if let Who::Partner(o) | Who::Involving(o) = p.who {
        // A lead is not counted again as its own partner when both are asked for.
        let only_partner = matches!(p.who, Who::Involving(_));
        let sums = due_sums("partner_open_due", "0", &[(0, spans)], &|s| {
            s.push(" AND c.organisation_id = ").arg(o);
            s.push(&format!(" AND c.status IN ({})", strs_sql(&open)));
            if only_partner {
                s.push(" AND c.leads = 0");
            }
        });
        total += fetch_sums(store, sums)
            .await?
            .iter()
            .map(|r| r.2)
            .sum::<i64>();
    }
    Ok(total)
}

/// The accountability table from the counters; `p.by_lead()` must hold.
pub async fn accountability(
    store: &Store,
    p: &Plan,
    today: NaiveDate,
) -> Result<Vec<Accountability>> {
    debug_assert!(p.by_lead());
    if p.is_empty() {
        return Ok(Vec::new());
    }
    #[derive(Default)]
    struct Row {
        assigned: i64,
        open: i64,
        overdue: i64,
        done_on_time: i64,
        done_late: i64,
        cancelled: i64,
        hist: Vec<(i64, i64)>,
    }
    let mut rows: BTreeMap<i64, Row> = BTreeMap::new();
    let open: Vec<&str> = p.statuses.iter().copied().filter(|s| is_open(s)).collect();
    let (lo, hi) = p.deadline.unwrap_or(ANY_DEADLINE);
    // Part 0: matching open work; part 1: of it, overdue.
    let parts = [(0, cover(lo, hi)), (1, cover(lo, min_opt(hi, Some(today))))];
    match p.deadline {
        None => {
            let mut s = Sql::new(&format!(
                "SELECT c.lead_org_id, CAST(SUM(c.n) AS BIGINT), \
                 CAST(SUM(CASE WHEN c.status IN ('approved','in_progress') THEN c.n ELSE 0 END) AS BIGINT), \
                 CAST(SUM(CASE WHEN c.status = 'done' AND c.late = 0 THEN c.n ELSE 0 END) AS BIGINT), \
                 CAST(SUM(CASE WHEN c.status = 'done' AND c.late = 1 THEN c.n ELSE 0 END) AS BIGINT), \
                 CAST(SUM(CASE WHEN c.status = 'cancelled' THEN c.n ELSE 0 END) AS BIGINT) \
                 FROM {} c WHERE 1=1",
                table(p, "resolution_tally")
            ));
            push_lead_conds(&mut s, p, &p.statuses);
            s.push(" GROUP BY c.lead_org_id");
            let tally: Vec<(i64, i64, i64, i64, i64, i64)> = store.fetch_all(&s).await?;
            for (org, assigned, open, on_time, late, cancelled) in tally {
                if assigned > 0 {
                    rows.insert(
                        org,
                        Row {
                            assigned,
                            open,
                            done_on_time: on_time,
                            done_late: late,
                            cancelled,
                            ..Default::default()
                        },
                    );
                }
            }
            if !open.is_empty() {
                let sql = due_sums(
                    &table(p, "resolution_open_due"),
                    "c.lead_org_id",
                    &parts[1..],
                    &|s| push_lead_conds(s, p, &open),
                );
                for (org, _, n) in fetch_sums(store, sql).await? {
                    if let Some(r) = rows.get_mut(&org) {
                        r.overdue = n;
                    }
                }
            }
            if p.statuses.contains(&"done") {
                let (table, place) = match &p.districts {
                    Some(d) => (
                        "resolution_done_days_district",
                        format!(" AND c.district_id IN ({})", ids_sql(d)),
                    ),
                    None => ("resolution_done_days", String::new()),
                };
                let mut s = Sql::new(&format!(
                    "SELECT c.lead_org_id, c.days, CAST(SUM(c.n) AS BIGINT) FROM {table} c WHERE 1=1{place}"
                ));
                if let Who::Lead(o) = p.who {
                    s.push(" AND c.lead_org_id = ").arg(o);
                }
                if let Some(d) = &p.domain {
                    s.push(" AND c.domain = ").arg(d.as_str());
                }
                s.push(" GROUP BY c.lead_org_id, c.days ORDER BY c.lead_org_id, c.days");
                let hist: Vec<(i64, i64, i64)> = store.fetch_all(&s).await?;
                for (org, days, n) in hist {
                    if let Some(r) = rows.get_mut(&org) {
                        r.hist.push((days, n));
                    }
                }
            }
        }
        Some(_) => {
            // Open work in a deadline range: nothing done or cancelled is in it.
            let sql = due_sums(
                &table(p, "resolution_open_due"),
                "c.lead_org_id",
                &parts,
                &|s| push_lead_conds(s, p, &open),
            );
            for (org, part, n) in fetch_sums(store, sql).await? {
                let r = rows.entry(org).or_default();
                if part == 0 {
                    r.assigned += n;
                    r.open += n;
                } else {
                    r.overdue += n;
                }
            }
            rows.retain(|_, r| r.assigned > 0);
        }
    }
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.keys().copied().collect();
    let names: Vec<(i64, String, String)> = store
        .fetch_all(&Sql::new(&format!(
            "SELECT id, name_fa, name_en FROM organisations WHERE id IN ({})",
            ids_sql(&ids)
        )))
        .await?;
    let names: HashMap<i64, (String, String)> = names
        .into_iter()
        .map(|(id, fa, en)| (id, (fa, en)))
        .collect();
    let mut out: Vec<Accountability> = rows
        .into_iter()
        .filter_map(|(org, r)| {
            let (name_fa, name_en) = names.get(&org)?.clone();
            Some(Accountability {
                organisation_id: org,
                name_fa,
                name_en,
                assigned: r.assigned,
                open: r.open,
                overdue: r.overdue,
                done_on_time: r.done_on_time,
                done_late: r.done_late,
                cancelled: r.cancelled,
                median_days_to_done: mahalle_core::resolutions::median_of_histogram(&r.hist),
            })
        })
        .collect();
    sort_accountability(&mut out);
    Ok(out)
}

/// Most overdue first, then most assigned, then by organisation (both paths order alike).
pub fn sort_accountability(rows: &mut [Accountability]) {
    rows.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then(b.assigned.cmp(&a.assigned))
            .then(a.organisation_id.cmp(&b.organisation_id))
    });
}

/// An organisation's inbox counts from the counters.
pub async fn inbox_counts(
    store: &Store,
    org: i64,
    today: NaiveDate,
    soon_days: u64,
) -> Result<InboxCounts> {
    let soon = (today + Days::new(soon_days)).succ_opt();
    // Part 0: all open work; 1: due soon; 2: overdue.
    let parts = [
        (0, cover(None, None)),
        (1, cover(Some(today), soon)),
        (2, cover(None, Some(today))),
    ];
    let open = "('approved','in_progress')";
    let lead = due_sums("resolution_open_due", "0", &parts, &|s| {
        s.push(" AND c.lead_org_id = ").arg(org);
        s.push(&format!(" AND c.status IN {open}"));
    });
    let partner = due_sums("partner_open_due", "0", &parts, &|s| {
        s.push(" AND c.organisation_id = ").arg(org);
        s.push(&format!(" AND c.status IN {open}"));
    });
    let mut c = InboxCounts::default();
    for (_, part, n) in fetch_sums(store, lead).await? {
        match part {
            0 => c.leading_open += n,
            1 => c.due_soon += n,
            _ => c.overdue += n,
        }
    }
    for (_, part, n) in fetch_sums(store, partner).await? {
        match part {
            0 => c.partnering_open += n,
            1 => c.due_soon += n,
            _ => c.overdue += n,
        }
    }
    Ok(c)
}

/// Where the counters disagree with the scan on this database, for the views they answer
/// (every organisation's inbox and tabs, the accountability table city-wide and by district,
/// domain, status and deadline). Empty when all is well; tests and operators call it.
pub async fn differences(store: &Store, today: NaiveDate) -> Result<Vec<String>> {
    use crate::resolutions::{self as res};
    let mut out = Vec::new();
    let all = mahalle_core::access::Reach {
        all: true,
        ..Default::default()
    };
    let base = Filter {
        reach: Some(all),
        ..Default::default()
    };
    let orgs: Vec<(i64,)> = store
        .fetch_all(&Sql::new(
            "SELECT id FROM organisations WHERE id IN (SELECT lead_org_id FROM resolutions) \
             OR id IN (SELECT organisation_id FROM resolution_partners) ORDER BY id",
        ))
        .await?;
    let districts: Vec<(i64,)> = store
        .fetch_all(&Sql::new("SELECT id FROM districts ORDER BY id"))
        .await?;
    let domains: Vec<(String,)> = store
        .fetch_all(&Sql::new(
            "SELECT DISTINCT domain FROM resolutions ORDER BY domain",
        ))
        .await?;

    let mut filters = vec![base.clone()];
    for &(d,) in &districts {
        filters.push(Filter {
            district_id: Some(d),
            ..base.clone()
        });
    }
    filters.push(Filter {
        reach: Some(mahalle_core::access::Reach {
            districts: districts.iter().take(3).map(|d| d.0).collect(),
            ..Default::default()
        }),
        ..Default::default()
    });
    for (d,) in &domains {
        filters.push(Filter {
            domain: Some(d.clone()),
            ..base.clone()
        });
    }
    for s in Status::ALL {
        filters.push(Filter {
            status: Some(s.as_str().to_string()),
            ..base.clone()
        });
    }
    for f in [
        Filter {
            overdue: true,
            ..base.clone()
        },
        Filter {
            due_within: Some(7),
            ..base.clone()
        },
        Filter {
            open_only: true,
            ..base.clone()
        },
        Filter {
            overdue: true,
            status: Some("in_progress".into()),
            district_id: districts.first().map(|d| d.0),
            ..base.clone()
        },
    ] {
        filters.push(f);
    }
    for f in &filters {
        let p = plan(f, &[], today).expect("the counters answer this filter");
        if p.by_lead() {
            let a = res::accountability(store, f, today).await?;
            let b = res::accountability_by_scan(store, f, today).await?;
            if a != b {
                out.push(format!(
                    "accountability {f:?}:\n counters {a:?}\n scan {b:?}"
                ));
            }
        }
        let a = count(store, &p).await?;
        let b = res::count_by_scan(store, f, &[], today).await?;
        if a != b {
            out.push(format!("count {f:?}: counters {a}, scan {b}"));
        }
    }
    for &(o,) in &orgs {
        let a = inbox_counts(store, o, today, 7).await?;
        let b = res::inbox_counts_by_scan(store, o, today, 7).await?;
        if a != b {
            out.push(format!("inbox of {o}: counters {a:?}, scan {b:?}"));
        }
        let tabs = [
            Filter {
                lead_org_id: Some(o),
                open_only: true,
                ..Default::default()
            },
            Filter {
                partner_org_id: Some(o),
                open_only: true,
                ..Default::default()
            },
            Filter {
                involving_org_id: Some(o),
                due_within: Some(7),
                ..Default::default()
            },
            Filter {
                involving_org_id: Some(o),
                overdue: true,
                ..Default::default()
            },
            Filter {
                lead_org_id: Some(o),
                ..base.clone()
            },
        ];
        for f in &tabs {
            let p = plan(f, &[], today).expect("the counters answer the inbox tabs");
            let a = count(store, &p).await?;
            let b = res::count_by_scan(store, f, &[], today).await?;
            if a != b {
                out.push(format!("count {f:?}: counters {a}, scan {b}"));
            }
        }
        let f = Filter {
            lead_org_id: Some(o),
            ..base.clone()
        };
        let a = res::accountability(store, &f, today).await?;
        let b = res::accountability_by_scan(store, &f, today).await?;
        if a != b {
            out.push(format!(
                "accountability of {o}:\n counters {a:?}\n scan {b:?}"
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mahalle_core::access::Reach;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// How many spans count a deadline: 1 inside the range, 0 outside.
    fn hits(spans: &[Span], x: NaiveDate) -> usize {
        spans
            .iter()
            .filter(|s| {
                let p = s.grain.period(x);
                s.from.is_none_or(|f| p >= f) && s.to.is_none_or(|t| p < t)
            })
            .count()
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

    #[test]
    fn cover_counts_each_deadline_once() {
        let start = d(2023, 11, 20);
        let bounds: Vec<Option<NaiveDate>> = std::iter::once(None)
            .chain(
                [
                    d(2024, 1, 1),
                    d(2024, 1, 31),
                    d(2024, 2, 1),
                    d(2024, 2, 29),
                    d(2024, 12, 31),
                    d(2025, 1, 1),
                    d(2025, 3, 15),
                    d(2026, 6, 1),
                    d(2026, 6, 2),
                ]
                .map(Some),
            )
            .collect();
        for &lo in &bounds {
            for &hi in &bounds {
                let spans = cover(lo, hi);
                for i in 0..1200 {
                    let x = start + Days::new(i);
                    let inside = lo.is_none_or(|l| x >= l) && hi.is_none_or(|h| x < h);
                    assert_eq!(
                        hits(&spans, x),
                        usize::from(inside),
                        "{lo:?}..{hi:?} at {x}: {spans:?}"
                    );
                }
                assert!(spans.len() <= 5, "{spans:?}");
            }
        }
    }

    #[test]
    fn overdue_is_past_years_months_and_days() {
        assert_eq!(
            cover(None, Some(d(2026, 11, 25))),
            vec![
                Span {
                    grain: Grain::Year,
                    from: None,
                    to: Some(d(2026, 1, 1))
                },
                Span {
                    grain: Grain::Month,
                    from: Some(d(2026, 1, 1)),
                    to: Some(d(2026, 11, 1))
                },
                Span {
                    grain: Grain::Day,
                    from: Some(d(2026, 11, 1)),
                    to: Some(d(2026, 11, 25))
                },
            ]
        );
        assert_eq!(
            cover(None, None),
            vec![Span {
                grain: Grain::Year,
                from: None,
                to: None
            }]
        );
        assert!(cover(Some(d(2026, 1, 2)), Some(d(2026, 1, 2))).is_empty());
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

/// The statements that fill the counter tables from the base tables: the last part of migration
/// 0004 for this backend ("The counts of the rows already there"), so a rebuild counts exactly as
/// the migration and its triggers do. Each is `INSERT INTO table (columns) SELECT …`.
fn fill_statements(store: &Store) -> Vec<&'static str> {
    const MARK: &str = "-- The counts of the rows already there.";
    let sql = match store.kind() {
        "postgres" => include_str!("../migrations/postgres/0004_followup_counters.sql"),
        _ => include_str!("../migrations/sqlite/0004_followup_counters.sql"),
    };
    let fill = sql.split_once(MARK).map_or("", |(_, f)| f);
    fill.split(';')
        .map(str::trim)
        .filter(|s| s.starts_with("INSERT INTO "))
        .collect()
}

/// (table, column list, SELECT …) of a fill statement.
fn parse_fill(stmt: &str) -> Option<(&str, &str, &str)> {
    let rest = stmt.strip_prefix("INSERT INTO ")?;
    let (table, rest) = rest.split_once(" (")?;
    let (columns, rest) = rest.split_once(')')?;
    Some((table.trim(), columns.trim(), rest.trim()))
}

/// The counter tables, in the order of migration 0004.
pub fn tables(store: &Store) -> Vec<&'static str> {
    fill_statements(store)
        .into_iter()
        .filter_map(|s| parse_fill(s).map(|(t, _, _)| t))
        .collect()
}

/// Rows of the counter tables that differ from a recount of the base tables: for each table,
/// how many of its rows (ignoring counts of 0, which may stay) are wrong or missing and how many
/// should not be there. Empty when the counters are right.
pub async fn check_rows(store: &Store) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for stmt in fill_statements(store) {
        let Some((table, columns, select)) = parse_fill(stmt) else {
            continue;
        };
        let stored = format!("SELECT {columns} FROM {table} WHERE n <> 0");
        let wrong: i64 = store
            .scalar(&Sql::new(&format!(
                "SELECT COUNT(*) FROM ({select} EXCEPT {stored}) x"
            )))
            .await?;
        let extra: i64 = store
            .scalar(&Sql::new(&format!(
                "SELECT COUNT(*) FROM ({stored} EXCEPT {select}) x"
            )))
            .await?;
        if wrong > 0 || extra > 0 {
            out.push(format!(
                "{table}: {wrong} rows missing or wrong, {extra} rows that should not be there"
            ));
        }
    }
    Ok(out)
}

/// Recounts every counter table from the base tables in one transaction: deletes their rows and
/// fills them as migration 0004 did. Returns the number of counter rows written.
pub async fn rebuild(store: &Store) -> Result<u64> {
    let statements = fill_statements(store);
    let statements = &statements;
    store
        .write(|tx, _| {
            Box::pin(async move {
                for stmt in statements {
                    if let Some((table, _, _)) = parse_fill(stmt) {
                        tx.execute(&Sql::new(&format!("DELETE FROM {table}")))
                            .await?;
                    }
                }
                let mut rows = 0;
                for stmt in statements {
                    rows += tx.execute(&Sql::new(stmt)).await?;
                }
                Ok(rows)
            })
        })
        .await
}

#[cfg(test)]
mod rebuild_tests {
    use super::parse_fill;

    #[test]
    fn fill_statements_name_their_table_and_columns() {
        for sql in [
            include_str!("../migrations/sqlite/0004_followup_counters.sql"),
            include_str!("../migrations/postgres/0004_followup_counters.sql"),
        ] {
            let (_, fill) = sql
                .split_once("-- The counts of the rows already there.")
                .unwrap();
            let tables: Vec<&str> = fill
                .split(';')
                .map(str::trim)
                .filter(|s| s.starts_with("INSERT INTO "))
                .filter_map(|s| parse_fill(s).map(|(t, _, _)| t))
                .collect();
            assert_eq!(
                tables,
                [
                    "resolution_tally",
                    "resolution_tally_district",
                    "resolution_open_due",
                    "resolution_open_due_district",
                    "resolution_done_days",
                    "resolution_done_days_district",
                    "partner_open_due"
                ]
            );
        }
    }
}
