//! List requests: search, sort and page, clamped to what the store will accept.

use serde::{Deserialize, Serialize};

pub const DEFAULT_PER_PAGE: u32 = 25;
pub const MAX_PER_PAGE: u32 = 200;

/// A list request as it arrives from a query string (`?q=&sort=&dir=&page=&per_page=`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ListQuery {
    pub q: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// A checked list request: the sort key is one of the allowed ones, the page is in range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub q: String,
    pub terms: Vec<String>,
    pub sort: &'static str,
    pub desc: bool,
    pub page: u32,
    pub per_page: u32,
}

impl Listing {
    /// `allowed` lists the sort keys the caller supports; the first is the default.
    pub fn from_query(query: &ListQuery, allowed: &[&'static str]) -> Listing {
        let q = crate::text::bounded_query(query.q.as_deref().unwrap_or(""))
            .trim()
            .to_string();
        let sort = query
            .sort
            .as_deref()
            .and_then(|s| allowed.iter().copied().find(|a| *a == s))
            .or_else(|| allowed.first().copied())
            .unwrap_or("id");
        Listing {
            terms: crate::text::search_terms(&q),
            q,
            sort,
            desc: query.dir.as_deref() == Some("desc"),
            page: query.page.unwrap_or(1).max(1),
            per_page: query
                .per_page
                .unwrap_or(DEFAULT_PER_PAGE)
                .clamp(1, MAX_PER_PAGE),
        }
    }

    pub fn offset(&self) -> i64 {
        (i64::from(self.page) - 1) * i64::from(self.per_page)
    }
}

/// One page of a list with the total, so views can draw pagination.
#[derive(Debug, Clone, Serialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

impl<T> Paged<T> {
    pub fn pages(&self) -> u32 {
        let per = i64::from(self.per_page.max(1));
        u32::try_from(((self.total + per - 1) / per).max(1)).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_and_defaults() {
        let l = Listing::from_query(
            &ListQuery {
                q: Some("  منطقه ۱۴ ".into()),
                sort: Some("drop table".into()),
                dir: None,
                page: Some(0),
                per_page: Some(10_000),
            },
            &["name", "population"],
        );
        assert_eq!(l.sort, "name");
        assert!(!l.desc);
        assert_eq!(l.page, 1);
        assert_eq!(l.per_page, MAX_PER_PAGE);
        assert_eq!(l.q, "منطقه ۱۴");
        assert_eq!(l.offset(), 0);
        let l = Listing::from_query(
            &ListQuery {
                sort: Some("population".into()),
                dir: Some("desc".into()),
                page: Some(3),
                per_page: Some(20),
                ..Default::default()
            },
            &["name", "population"],
        );
        assert_eq!((l.sort, l.desc, l.offset()), ("population", true, 40));
    }

    #[test]
    fn page_count() {
        let p = Paged::<u8> {
            items: vec![],
            total: 51,
            page: 1,
            per_page: 25,
        };
        assert_eq!(p.pages(), 3);
        let p = Paged::<u8> {
            items: vec![],
            total: 0,
            page: 1,
            per_page: 25,
        };
        assert_eq!(p.pages(), 1);
    }
}
