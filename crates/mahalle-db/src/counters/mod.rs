//! Counters of the follow-up views, kept by triggers (migration 0004): the accountability table,
//! the inbox counts and the totals of the common lists read a few thousand counter rows instead
//! of scanning every resolution.
//!
//! Which filters the counters can answer is decided by [`plan`]; anything else (search text,
//! a meeting, a deadline range, partners together with a place or domain, …) falls back to the
//! scan in `resolutions`. Open work is counted by deadline at three grains (year, month, day), so
//! "overdue" (open and past its deadline, which depends on today) is the sum over the whole years,
//! months and days before today that [`cover`] names.

mod plan;
mod recount;

use plan::{is_open, min_opt};
pub use plan::{plan, walk_is_short, Plan, Who};
pub use recount::{check_rows, rebuild, tables, Recount, RECOUNTS};

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use mahalle_core::resolutions::Status;
pub use mahalle_core::spans::{cover, Grain, Span};

use crate::resolutions::{Accountability, Filter, InboxCounts};
use crate::sql::ids_sql;
use crate::{Result, Sql, Store};

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
