//! Partner places of a neighborhood's people's network (شبکه مردمی): mosques, schools,
//! universities, cultural centres, health houses… some designated model (آرمانی) on a date.

use crate::coded::coded_enum;
use crate::validate::FieldError;

coded_enum!(
    /// What a partner place is.
    PartnerKind {
        Mosque = "mosque", "مسجد", "Mosque";
        School = "school", "مدرسه", "School";
        University = "university", "دانشگاه", "University";
        CulturalCentre = "cultural_centre", "فرهنگسرا و مرکز فرهنگی", "Cultural centre";
        HealthHouse = "health_house", "خانه سلامت", "Health house";
        Library = "library", "کتابخانه", "Library";
        Sports = "sports", "مجموعه ورزشی", "Sports venue";
        Other = "other", "سایر", "Other";
    }
);

/// A place's location as typed: both latitude and longitude, or neither; within the box
/// `near` (min lon, min lat, max lon, max lat) when given, so that a swapped pair is caught.
pub fn location(
    lat: &str,
    lon: &str,
    near: Option<(f64, f64, f64, f64)>,
) -> Result<Option<(f64, f64)>, FieldError> {
    let read = |s: &str| crate::text::to_latin_digits(s.trim()).replace('٫', ".");
    let (lat, lon) = (read(lat), read(lon));
    if lat.is_empty() && lon.is_empty() {
        return Ok(None);
    }
    let bad = || {
        FieldError::new(
            "lat",
            "موقعیت را با هر دو عدد بنویسید: عرض جغرافیایی (مانند ۳۵٫۷) و طول جغرافیایی (مانند ۵۱٫۴)، در محدوده شهر.",
            "Give both numbers of the location, latitude (like 35.7) and longitude (like 51.4), within the city.",
        )
    };
    let (Ok(lat), Ok(lon)) = (lat.parse::<f64>(), lon.parse::<f64>()) else {
        return Err(bad());
    };
    if !(lat.is_finite()
        && lon.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon))
    {
        return Err(bad());
    }
    if let Some((a, b, c, d)) = near {
        if !(lon >= a && lon <= c && lat >= b && lat <= d) {
            return Err(bad());
        }
    }
    Ok(Some((lat, lon)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CITY: (f64, f64, f64, f64) = (51.0, 35.5, 51.7, 35.9);

    #[test]
    fn locations_are_both_numbers_or_none_and_in_the_city() {
        assert_eq!(location("", " ", Some(CITY)).unwrap(), None);
        assert_eq!(
            location("۳۵٫۷", "51.4", Some(CITY)).unwrap(),
            Some((35.7, 51.4))
        );
        assert!(location("35.7", "", Some(CITY)).is_err());
        assert!(location("51.4", "35.7", Some(CITY)).is_err(), "swapped");
        assert!(location("NaN", "51.4", None).is_err());
        assert!(location("95", "51.4", None).is_err());
    }

    #[test]
    fn kinds_read_from_labels() {
        assert_eq!(PartnerKind::parse_loose("مسجد"), Some(PartnerKind::Mosque));
        assert_eq!(
            PartnerKind::parse_loose("health_house"),
            Some(PartnerKind::HealthHouse)
        );
    }
}
