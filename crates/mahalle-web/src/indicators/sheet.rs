//! Counts from a spreadsheet: one row a count (element code, neighborhood, period code, value),
//! read row by row so that every problem is named with its row before anything is recorded.

use mahalle_core::text::search_key;

use crate::http::sheet::SheetColumn;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueColumn {
    Element,
    Neighborhood,
    Period,
    Value,
}

use ValueColumn as C;

impl SheetColumn for ValueColumn {
    fn all() -> &'static [ValueColumn] {
        &[C::Element, C::Neighborhood, C::Period, C::Value]
    }

    fn from_header(text: &str) -> Option<ValueColumn> {
        let key = search_key(text.split(['(', '[']).next().unwrap_or(text));
        if key.is_empty() {
            return None;
        }
        Self::all().iter().copied().find(|c| {
            search_key(c.header_fa()) == key
                || search_key(c.header_en()) == key
                || c.synonyms().iter().any(|s| search_key(s) == key)
        })
    }

    fn required(self) -> bool {
        true
    }

    fn header_fa(self) -> &'static str {
        match self {
            C::Element => "داده",
            C::Neighborhood => "محله",
            C::Period => "دوره",
            C::Value => "مقدار",
        }
    }

    fn header_en(self) -> &'static str {
        match self {
            C::Element => "element",
            C::Neighborhood => "neighborhood",
            C::Period => "period",
            C::Value => "value",
        }
    }
}

impl ValueColumn {
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            C::Element => &["کد داده", "data element", "code"],
            C::Neighborhood => &["کد محله", "نام محله"],
            C::Period => &["ماه", "کد دوره"],
            C::Value => &["شمار", "تعداد", "count"],
        }
    }

    /// The column a problem with a count's field is shown under.
    pub fn of_field(field: &str) -> ValueColumn {
        match field {
            "element" => C::Element,
            "neighborhood_id" => C::Neighborhood,
            "period" => C::Period,
            _ => C::Value,
        }
    }
}
