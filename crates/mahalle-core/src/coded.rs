//! Coded values: enums stored by a stable Latin code and shown by a Persian or English label,
//! read back from either (spreadsheets write labels).

macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $fa:literal, $en:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }
            pub fn label_fa(self) -> &'static str {
                match self { $($name::$variant => $fa),+ }
            }
            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }
            /// Accepts the code or either label (normalised), as spreadsheets write them.
            pub fn parse_loose(s: &str) -> Option<$name> {
                let key = crate::text::search_key(s);
                $name::ALL.iter().copied().find(|v| {
                    key == v.as_str() || key == crate::text::search_key(v.label_fa()) || key == crate::text::search_key(v.label_en())
                })
            }
        }
    };
}
pub(crate) use coded_enum;

#[cfg(test)]
mod tests {
    coded_enum!(
        /// A test enum.
        Colour {
            DarkRed = "dark_red", "قرمز تیره", "Dark red";
            Blue = "blue", "آبی", "Blue";
        }
    );

    #[test]
    fn codes_and_labels_round_trip() {
        for &c in Colour::ALL {
            assert_eq!(Colour::parse(c.as_str()), Some(c));
        }
        assert_eq!(Colour::parse("Blue"), None, "parse takes codes only");
        // Labels, in either language and Persian-normalised (Arabic yeh), are read too.
        assert_eq!(Colour::parse_loose("قرمز تيره"), Some(Colour::DarkRed));
        assert_eq!(Colour::parse_loose(" dark RED "), Some(Colour::DarkRed));
        assert_eq!(Colour::parse_loose("dark_red"), Some(Colour::DarkRed));
        assert_eq!(Colour::parse_loose("green"), None);
    }
}
