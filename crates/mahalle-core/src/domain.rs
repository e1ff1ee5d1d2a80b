//! The fields of the city's work (civil works, urban services, social, …) that resolutions,
//! citizens' requests, service categories and challenges are filed under.

use crate::coded::coded_enum;

coded_enum!(
    /// A field of the city's work.
    Domain {
        CivilWorks = "civil_works", "عمرانی", "Civil works";
        UrbanServices = "urban_services", "خدمات شهری", "Urban services";
        Cultural = "cultural", "فرهنگی", "Cultural";
        Social = "social", "اجتماعی", "Social";
        Health = "health", "سلامت", "Health";
        Safety = "safety", "ایمنی و مدیریت بحران", "Safety";
        Traffic = "traffic", "حمل و نقل و ترافیک", "Traffic";
        Environment = "environment", "محیط زیست", "Environment";
        Economic = "economic", "اقتصادی", "Economic";
        Other = "other", "سایر", "Other";
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_read_from_codes_and_labels() {
        assert_eq!(
            Domain::parse_loose("خدمات شهري"),
            Some(Domain::UrbanServices)
        );
        assert_eq!(Domain::parse_loose("Civil works"), Some(Domain::CivilWorks));
        assert_eq!(Domain::parse_loose("civil_works"), Some(Domain::CivilWorks));
        assert_eq!(Domain::parse("cultural"), Some(Domain::Cultural));
        assert_eq!(Domain::ALL.len(), 10);
    }
}
