//! Recounting the counter tables from the base tables, to check them (`mahalle check`) or
//! rebuild them. The statements are those migration 0004 ends with ("The counts of the rows
//! already there"), kept here as data so a running server never reads migration text; a unit
//! test proves the two the same.

use crate::{Result, Sql, Store};

/// How one counter table is recounted: `INSERT INTO table (columns) SELECT …`, per backend.
pub struct Recount {
    pub table: &'static str,
    pub columns: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

impl Recount {
    /// The recounting `SELECT` for this store's backend.
    pub fn select(&self, store: &Store) -> &'static str {
        match store.kind() {
            "postgres" => self.postgres,
            _ => self.sqlite,
        }
    }

    fn fill(&self, store: &Store) -> String {
        format!(
            "INSERT INTO {} ({})\n{}",
            self.table,
            self.columns,
            self.select(store)
        )
    }
}

/// Every counter table, in the order of migration 0004.
pub const RECOUNTS: &[Recount] = &[
    Recount {
        table: "resolution_tally",
        columns: "lead_org_id, domain, status, late, n",
        sqlite: concat!(
            "SELECT r.lead_org_id, r.domain, r.status, COALESCE(r.done_late, -1), COUNT(*)
",
            "FROM resolutions r WHERE 1 GROUP BY 1, 2, 3, 4",
        ),
        postgres: concat!(
            "SELECT r.lead_org_id, r.domain, r.status, CASE WHEN r.done_late IS NULL THEN -1 WHEN r.done_late THEN 1 ELSE 0 END, COUNT(*)
",
            "FROM resolutions r WHERE TRUE GROUP BY 1, 2, 3, 4",
        ),
    },
    Recount {
        table: "resolution_tally_district",
        columns: "district_id, lead_org_id, domain, status, late, n",
        sqlite: concat!(
            "SELECT COALESCE(r.district_id, 0), r.lead_org_id, r.domain, r.status, COALESCE(r.done_late, -1), COUNT(*)
",
            "FROM resolutions r WHERE 1 GROUP BY 1, 2, 3, 4, 5",
        ),
        postgres: concat!(
            "SELECT COALESCE(r.district_id, 0), r.lead_org_id, r.domain, r.status, CASE WHEN r.done_late IS NULL THEN -1 WHEN r.done_late THEN 1 ELSE 0 END, COUNT(*)
",
            "FROM resolutions r WHERE TRUE GROUP BY 1, 2, 3, 4, 5",
        ),
    },
    Recount {
        table: "resolution_open_due",
        columns: "grain, period, lead_org_id, domain, status, n",
        sqlite: concat!(
            "SELECT g.grain, CASE g.grain WHEN 'y' THEN substr(r.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(r.deadline, 1, 7) || '-01' ELSE r.deadline END, r.lead_org_id, r.domain, r.status, COUNT(*)
",
            "FROM resolutions r CROSS JOIN counter_grains g WHERE r.status IN ('approved','in_progress') GROUP BY 1, 2, 3, 4, 5",
        ),
        postgres: concat!(
            "SELECT g.grain, counter_period(g.grain, r.deadline), r.lead_org_id, r.domain, r.status, COUNT(*)
",
            "FROM resolutions r CROSS JOIN counter_grains g WHERE r.status IN ('approved','in_progress') GROUP BY 1, 2, 3, 4, 5",
        ),
    },
    Recount {
        table: "resolution_open_due_district",
        columns: "district_id, grain, period, lead_org_id, domain, status, n",
        sqlite: concat!(
            "SELECT COALESCE(r.district_id, 0), g.grain, CASE g.grain WHEN 'y' THEN substr(r.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(r.deadline, 1, 7) || '-01' ELSE r.deadline END, r.lead_org_id, r.domain, r.status, COUNT(*)
",
            "FROM resolutions r CROSS JOIN counter_grains g WHERE r.status IN ('approved','in_progress') GROUP BY 1, 2, 3, 4, 5, 6",
        ),
        postgres: concat!(
            "SELECT COALESCE(r.district_id, 0), g.grain, counter_period(g.grain, r.deadline), r.lead_org_id, r.domain, r.status, COUNT(*)
",
            "FROM resolutions r CROSS JOIN counter_grains g WHERE r.status IN ('approved','in_progress') GROUP BY 1, 2, 3, 4, 5, 6",
        ),
    },
    Recount {
        table: "resolution_done_days",
        columns: "lead_org_id, domain, days, n",
        sqlite: concat!(
            "SELECT r.lead_org_id, r.domain, r.days_to_done, COUNT(*)
",
            "FROM resolutions r WHERE r.status = 'done' AND r.days_to_done IS NOT NULL GROUP BY 1, 2, 3",
        ),
        postgres: concat!(
            "SELECT r.lead_org_id, r.domain, r.days_to_done, COUNT(*)
",
            "FROM resolutions r WHERE r.status = 'done' AND r.days_to_done IS NOT NULL GROUP BY 1, 2, 3",
        ),
    },
    Recount {
        table: "resolution_done_days_district",
        columns: "district_id, lead_org_id, domain, days, n",
        sqlite: concat!(
            "SELECT COALESCE(r.district_id, 0), r.lead_org_id, r.domain, r.days_to_done, COUNT(*)
",
            "FROM resolutions r WHERE r.status = 'done' AND r.days_to_done IS NOT NULL GROUP BY 1, 2, 3, 4",
        ),
        postgres: concat!(
            "SELECT COALESCE(r.district_id, 0), r.lead_org_id, r.domain, r.days_to_done, COUNT(*)
",
            "FROM resolutions r WHERE r.status = 'done' AND r.days_to_done IS NOT NULL GROUP BY 1, 2, 3, 4",
        ),
    },
    Recount {
        table: "partner_open_due",
        columns: "organisation_id, grain, period, status, leads, n",
        sqlite: concat!(
            "SELECT p.organisation_id, g.grain, CASE g.grain WHEN 'y' THEN substr(r.deadline, 1, 4) || '-01-01' WHEN 'm' THEN substr(r.deadline, 1, 7) || '-01' ELSE r.deadline END, r.status, p.organisation_id = r.lead_org_id, COUNT(*)
",
            "FROM resolution_partners p JOIN resolutions r ON r.id = p.resolution_id CROSS JOIN counter_grains g
",
            "WHERE r.status IN ('approved','in_progress') GROUP BY 1, 2, 3, 4, 5",
        ),
        postgres: concat!(
            "SELECT p.organisation_id, g.grain, counter_period(g.grain, r.deadline), r.status, (p.organisation_id = r.lead_org_id)::INT::SMALLINT, COUNT(*)
",
            "FROM resolution_partners p JOIN resolutions r ON r.id = p.resolution_id CROSS JOIN counter_grains g
",
            "WHERE r.status IN ('approved','in_progress') GROUP BY 1, 2, 3, 4, 5",
        ),
    },
];

/// The counter tables, in the order of migration 0004.
pub fn tables() -> Vec<&'static str> {
    RECOUNTS.iter().map(|r| r.table).collect()
}

/// Rows of the counter tables that differ from a recount of the base tables: for each table,
/// how many of its rows (ignoring counts of 0, which may stay) are wrong or missing and how many
/// should not be there. Empty when the counters are right.
pub async fn check_rows(store: &Store) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for r in RECOUNTS {
        let (table, columns, select) = (r.table, r.columns, r.select(store));
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
    let fills: Vec<String> = RECOUNTS.iter().map(|r| r.fill(store)).collect();
    let fills = &fills;
    store
        .write(|tx, _| {
            Box::pin(async move {
                for r in RECOUNTS {
                    tx.execute(&Sql::new(&format!("DELETE FROM {}", r.table)))
                        .await?;
                }
                let mut rows = 0;
                for fill in fills {
                    rows += tx.execute(&Sql::new(fill)).await?;
                }
                Ok(rows)
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::RECOUNTS;

    /// The fill statements at the end of migration 0004, for one backend.
    fn migration_fills(sql: &str) -> Vec<String> {
        let (_, fill) = sql
            .split_once("-- The counts of the rows already there.")
            .unwrap();
        fill.split(';')
            .map(str::trim)
            .filter(|s| s.starts_with("INSERT INTO "))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn recounts_are_the_statements_migration_0004_ends_with() {
        let lite = migration_fills(include_str!(
            "../../migrations/sqlite/0004_followup_counters.sql"
        ));
        let pg = migration_fills(include_str!(
            "../../migrations/postgres/0004_followup_counters.sql"
        ));
        assert_eq!(lite.len(), RECOUNTS.len());
        assert_eq!(pg.len(), RECOUNTS.len());
        for ((r, l), p) in RECOUNTS.iter().zip(&lite).zip(&pg) {
            assert_eq!(
                *l,
                format!("INSERT INTO {} ({})\n{}", r.table, r.columns, r.sqlite)
            );
            assert_eq!(
                *p,
                format!("INSERT INTO {} ({})\n{}", r.table, r.columns, r.postgres)
            );
        }
        let tables: Vec<&str> = RECOUNTS.iter().map(|r| r.table).collect();
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
