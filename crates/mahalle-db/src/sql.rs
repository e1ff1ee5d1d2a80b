//! A SQL text with its arguments, built piece by piece. Placeholders are `$1, $2, …`, which
//! SQLite and PostgreSQL both understand, so one builder serves both backends.

use chrono::{DateTime, NaiveDate, Utc};

/// A bound value. Only the types the schema uses, each of which both backends encode.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    I64(Option<i64>),
    F64(Option<f64>),
    Bool(Option<bool>),
    Text(Option<String>),
    Date(Option<NaiveDate>),
    Time(Option<DateTime<Utc>>),
    Bytes(Option<Vec<u8>>),
}

macro_rules! arg_from {
    ($t:ty, $variant:ident) => {
        impl From<$t> for Arg {
            fn from(v: $t) -> Arg {
                Arg::$variant(Some(v.into()))
            }
        }
        impl From<Option<$t>> for Arg {
            fn from(v: Option<$t>) -> Arg {
                Arg::$variant(v.map(Into::into))
            }
        }
    };
}
arg_from!(i64, I64);
arg_from!(bool, Bool);
arg_from!(f64, F64);
arg_from!(String, Text);
arg_from!(&str, Text);
arg_from!(NaiveDate, Date);
arg_from!(DateTime<Utc>, Time);
arg_from!(Vec<u8>, Bytes);

impl From<&String> for Arg {
    fn from(v: &String) -> Arg {
        Arg::Text(Some(v.clone()))
    }
}

#[derive(Debug, Clone, Default)]
pub struct Sql {
    pub text: String,
    pub args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql {
            text: text.to_string(),
            args: Vec::new(),
        }
    }

    /// Appends SQL text.
    pub fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn arg(&mut self, value: impl Into<Arg>) -> &mut Sql {
        self.args.push(value.into());
        let n = self.args.len();
        self.text.push('$');
        self.text.push_str(&n.to_string());
        self
    }

    /// Builder form of `push` + `arg` for fixed statements: `Sql::new("… $1 … $2").bind(a).bind(b)`.
    pub fn bind(mut self, value: impl Into<Arg>) -> Sql {
        self.args.push(value.into());
        self
    }

    /// Adds `AND <column> LIKE '%term%'` for each search term (see `mahalle_core::text`).
    pub fn search(&mut self, column: &str, terms: &[String]) -> &mut Sql {
        for t in terms {
            self.push(" AND ").push(column).push(" LIKE ");
            self.arg(mahalle_core::text::like_pattern(t));
            self.push(" ESCAPE '\\'");
        }
        self
    }

    /// Adds `ORDER BY … LIMIT … OFFSET …` for a checked listing; `order` is trusted SQL chosen
    /// from a whitelist by the caller, and the `id` column breaks ties so pages never overlap.
    pub fn page(&mut self, order: &str, id: &str, desc: bool, limit: u32, offset: i64) -> &mut Sql {
        let dir = if desc { " DESC" } else { " ASC" };
        self.push(" ORDER BY ")
            .push(order)
            .push(dir)
            .push(", ")
            .push(id)
            .push(dir);
        self.push(" LIMIT ")
            .arg(i64::from(limit))
            .push(" OFFSET ")
            .arg(offset);
        self
    }
}

/// A list of ids written into the SQL text. Safe because they are numbers (parsed or from our
/// own rows); used where a bound list would need one placeholder per id.
pub(crate) fn ids_sql(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

impl Sql {
    /// Adds ` AND (…)` keeping rows within a user's reach: in one of their districts or
    /// neighborhoods, or involving one of their organisations (`organisations` writes that test
    /// for the id list). Nothing is added for a city-wide reach; an empty reach matches nothing.
    pub fn reach(
        &mut self,
        reach: &mahalle_core::access::Reach,
        district: &str,
        neighborhood: &str,
        organisations: impl Fn(&str) -> String,
    ) -> &mut Sql {
        if reach.all {
            return self;
        }
        let mut any = vec!["1=0".to_string()];
        if !reach.districts.is_empty() {
            any.push(format!("{district} IN ({})", ids_sql(&reach.districts)));
        }
        if !reach.neighborhoods.is_empty() {
            any.push(format!(
                "{neighborhood} IN ({})",
                ids_sql(&reach.neighborhoods)
            ));
        }
        if !reach.organisations.is_empty() {
            any.push(organisations(&ids_sql(&reach.organisations)));
        }
        self.push(" AND (").push(&any.join(" OR ")).push(")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_placeholders_in_order() {
        let mut s = Sql::new("SELECT * FROM t WHERE a = ");
        s.arg(1_i64).push(" AND b = ").arg("x");
        s.search("k", &["ab".to_string(), "c%".to_string()]);
        assert_eq!(
            s.text,
            "SELECT * FROM t WHERE a = $1 AND b = $2 AND k LIKE $3 ESCAPE '\\' AND k LIKE $4 ESCAPE '\\'"
        );
        assert_eq!(s.args[3], Arg::Text(Some("%c\\%%".into())));
    }
}
