//! Recognitions listed: a district's, a person's, a visit's. They are recorded with
//! [`crate::councils::give_recognition`], which numbers their certificates.

use mahalle_core::paging::{Listing, Paged};

use crate::councils::{Recognition, RECOGNITION_SELECT};
use crate::{Result, Sql, Store};

/// Which recognitions a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter<'a> {
    pub district_id: Option<i64>,
    pub person_id: Option<i64>,
    pub meeting_id: Option<i64>,
    /// council_service, staff or volunteer
    pub kind: Option<&'a str>,
}

fn filter(s: &mut Sql, f: &Filter<'_>) {
    s.push(" WHERE 1=1");
    if let Some(d) = f.district_id {
        s.push(" AND r.district_id = ").arg(d);
    }
    if let Some(p) = f.person_id {
        s.push(" AND r.person_id = ").arg(p);
    }
    if let Some(m) = f.meeting_id {
        s.push(" AND r.meeting_id = ").arg(m);
    }
    if let Some(k) = f.kind {
        s.push(" AND r.kind = ").arg(k);
    }
}

/// Newest first.
pub async fn list(store: &Store, f: &Filter<'_>, l: &Listing) -> Result<Paged<Recognition>> {
    let mut count = Sql::new("SELECT COUNT(*) FROM recognitions r");
    filter(&mut count, f);
    let mut sql = Sql::new(RECOGNITION_SELECT);
    filter(&mut sql, f);
    sql.page("r.given_on", "r.id", !l.desc, l.per_page, l.offset());
    Ok(Paged {
        total: store.scalar(&count).await?,
        items: store.fetch_all(&sql).await?,
        page: l.page,
        per_page: l.per_page,
    })
}

/// The newest `limit` of a filter, for a page's section.
pub async fn recent(store: &Store, f: &Filter<'_>, limit: i64) -> Result<Vec<Recognition>> {
    let mut sql = Sql::new(RECOGNITION_SELECT);
    filter(&mut sql, f);
    sql.push(" ORDER BY r.given_on DESC, r.id DESC LIMIT ")
        .arg(limit);
    store.fetch_all(&sql).await
}
