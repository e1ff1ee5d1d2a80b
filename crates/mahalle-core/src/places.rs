//! Districts and neighborhoods as the registry keeps them: codes, and boundaries uploaded as
//! GeoJSON and checked to be real polygons before they are stored.

use serde_json::Value;

use crate::validate::FieldError;

/// At most this many vertices in one boundary: a surveyed neighborhood has a few hundred; the
/// self-intersection check is quadratic per ring, so the bound also bounds the work.
pub const MAX_VERTICES: usize = 5_000;
/// At most this much GeoJSON text.
pub const MAX_BOUNDARY_BYTES: usize = 1_000_000;

/// A place code: 1–20 Latin letters, digits, '-' or '_' (like `D14` or `D14-N03`), upper-cased.
pub fn code(input: &str) -> Result<String, FieldError> {
    let c = crate::text::to_latin_digits(input.trim()).to_uppercase();
    let ok = (1..=20).contains(&c.len())
        && c.chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
    if ok {
        Ok(c)
    } else {
        Err(FieldError::new(
            "code",
            "کد ۱ تا ۲۰ حرف لاتین، رقم، خط تیره یا زیرخط است (مانند D14-N03).",
            "The code is 1–20 Latin letters, digits, '-' or '_' (like D14-N03).",
        ))
    }
}

/// Why an uploaded boundary was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundaryError {
    TooLarge,
    NotJson,
    /// Not a Polygon or MultiPolygon (nor a Feature or one-feature collection of one).
    NotPolygon,
    /// A coordinate that is not a longitude/latitude pair of finite numbers in range.
    BadCoordinate,
    /// A ring of fewer than four positions, or whose last position is not its first.
    OpenRing,
    TooManyVertices,
    /// A ring that crosses itself.
    SelfIntersecting,
    /// A ring that encloses no area.
    NoArea,
    /// A hole that is not inside its polygon's outer ring.
    HoleOutside,
    /// Positions written latitude first; GeoJSON puts the longitude first.
    Swapped,
}

impl BoundaryError {
    pub fn field_error(self) -> FieldError {
        let (fa, en) = match self {
            BoundaryError::TooLarge => ("فایل مرز بیش از یک مگابایت است.", "The boundary file is larger than 1 MB."),
            BoundaryError::NotJson => ("فایل مرز GeoJSON معتبر نیست (JSON خوانا نیست).", "The boundary is not valid GeoJSON (the JSON cannot be read)."),
            BoundaryError::NotPolygon => (
                "مرز باید یک Polygon یا MultiPolygon در GeoJSON باشد (یا Featureی با چنین هندسه‌ای).",
                "The boundary must be a GeoJSON Polygon or MultiPolygon (or a Feature with one).",
            ),
            BoundaryError::BadCoordinate => (
                "هر نقطه مرز باید [طول جغرافیایی، عرض جغرافیایی] با اعداد معتبر باشد.",
                "Every position must be [longitude, latitude] with valid numbers.",
            ),
            BoundaryError::OpenRing => (
                "هر حلقه مرز دست‌کم چهار نقطه دارد و آخرین نقطه‌اش همان نخستین است.",
                "Every ring has at least four positions and ends where it starts.",
            ),
            BoundaryError::TooManyVertices => ("مرز بیش از ۵۰۰۰ نقطه دارد؛ آن را ساده کنید.", "The boundary has more than 5,000 positions; simplify it."),
            BoundaryError::SelfIntersecting => ("خطوط مرز یکدیگر را قطع می‌کنند؛ چندضلعی معتبر نیست.", "The boundary's edges cross each other; it is not a valid polygon."),
            BoundaryError::NoArea => ("مرز مساحتی را در بر نمی‌گیرد.", "The boundary encloses no area."),
            BoundaryError::HoleOutside => ("حفره‌ای از مرز بیرون از حلقه بیرونی است.", "A hole of the boundary lies outside its outer ring."),
            BoundaryError::Swapped => (
                "نقطه‌ها به ترتیب [عرض، طول] نوشته شده‌اند؛ در GeoJSON طول جغرافیایی نخست می‌آید.",
                "The positions are written [latitude, longitude]; GeoJSON puts the longitude first.",
            ),
        };
        FieldError::new("boundary", fa, en)
    }
}

type Ring = Vec<(f64, f64)>;

/// Reads an uploaded boundary and returns it as a GeoJSON geometry (Polygon or MultiPolygon)
/// ready to store, or why it is not a valid polygon. `near`, when given, is a `(min lon, min lat,
/// max lon, max lat)` box the place should be near: positions that fall outside it but inside
/// once latitude and longitude are exchanged were typed the wrong way round.
pub fn parse_boundary(
    text: &str,
    near: Option<(f64, f64, f64, f64)>,
) -> Result<String, BoundaryError> {
    if text.len() > MAX_BOUNDARY_BYTES {
        return Err(BoundaryError::TooLarge);
    }
    let v: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|_| BoundaryError::NotJson)?;
    let geometry = geometry_of(&v).ok_or(BoundaryError::NotPolygon)?;
    let kind = geometry.get("type").and_then(Value::as_str);
    let coords = geometry
        .get("coordinates")
        .ok_or(BoundaryError::NotPolygon)?;
    let polygons: Vec<Vec<Ring>> = match kind {
        Some("Polygon") => vec![polygon(coords)?],
        Some("MultiPolygon") => coords
            .as_array()
            .filter(|a| !a.is_empty())
            .ok_or(BoundaryError::NotPolygon)?
            .iter()
            .map(polygon)
            .collect::<Result<_, _>>()?,
        _ => return Err(BoundaryError::NotPolygon),
    };
    let vertices: usize = polygons.iter().flatten().map(Vec::len).sum();
    if vertices > MAX_VERTICES {
        return Err(BoundaryError::TooManyVertices);
    }
    for rings in &polygons {
        for ring in rings {
            check_ring(ring)?;
        }
        for hole in &rings[1..] {
            if !contains(&rings[0], hole[0]) {
                return Err(BoundaryError::HoleOutside);
            }
        }
    }
    if let Some(b) = near {
        let inside = |&(x, y): &(f64, f64)| x >= b.0 && x <= b.2 && y >= b.1 && y <= b.3;
        let all = || polygons.iter().flatten().flatten();
        if !all().any(inside) && all().all(|&(x, y)| inside(&(y, x))) {
            return Err(BoundaryError::Swapped);
        }
    }
    let ring_json = |r: &Ring| Value::from(r.iter().map(|&(x, y)| vec![x, y]).collect::<Vec<_>>());
    let poly_json = |p: &Vec<Ring>| Value::from(p.iter().map(ring_json).collect::<Vec<_>>());
    let out = if polygons.len() == 1 {
        serde_json::json!({"type": "Polygon", "coordinates": poly_json(&polygons[0])})
    } else {
        serde_json::json!({"type": "MultiPolygon", "coordinates": polygons.iter().map(poly_json).collect::<Vec<_>>()})
    };
    Ok(out.to_string())
}

/// The geometry of a bare geometry, a Feature, or a FeatureCollection of exactly one Feature.
fn geometry_of(v: &Value) -> Option<&Value> {
    match v.get("type")?.as_str()? {
        "Feature" => v.get("geometry").filter(|g| g.is_object()),
        "FeatureCollection" => match v.get("features")?.as_array()?.as_slice() {
            [one] => geometry_of(one),
            _ => None,
        },
        _ => Some(v),
    }
}

fn polygon(v: &Value) -> Result<Vec<Ring>, BoundaryError> {
    let rings = v
        .as_array()
        .filter(|a| !a.is_empty())
        .ok_or(BoundaryError::NotPolygon)?;
    rings
        .iter()
        .map(|r| {
            let positions = r.as_array().ok_or(BoundaryError::NotPolygon)?;
            if positions.len() > MAX_VERTICES {
                return Err(BoundaryError::TooManyVertices);
            }
            positions.iter().map(position).collect()
        })
        .collect()
}

fn position(v: &Value) -> Result<(f64, f64), BoundaryError> {
    let a = v.as_array().ok_or(BoundaryError::BadCoordinate)?;
    // A third number (altitude) is allowed by GeoJSON and ignored.
    let (Some(x), Some(y)) = (
        a.first().and_then(Value::as_f64),
        a.get(1).and_then(Value::as_f64),
    ) else {
        return Err(BoundaryError::BadCoordinate);
    };
    if a.len() > 3 || !(-180.0..=180.0).contains(&x) || !(-90.0..=90.0).contains(&y) {
        return Err(BoundaryError::BadCoordinate);
    }
    Ok((x, y))
}

fn check_ring(ring: &Ring) -> Result<(), BoundaryError> {
    if ring.len() < 4 || ring.first() != ring.last() {
        return Err(BoundaryError::OpenRing);
    }
    // Edges i and j cross unless they are neighbours (sharing a vertex by construction).
    let n = ring.len() - 1;
    for i in 0..n {
        for j in i + 1..n {
            let neighbours = j == i + 1 || (i == 0 && j == n - 1);
            if !neighbours && segments_meet(ring[i], ring[i + 1], ring[j], ring[j + 1]) {
                return Err(BoundaryError::SelfIntersecting);
            }
        }
    }
    // After the crossing check: a bow tie's two halves cancel out to no area.
    let area2: f64 = ring
        .windows(2)
        .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
        .sum();
    if area2.abs() < 1e-12 {
        return Err(BoundaryError::NoArea);
    }
    Ok(())
}

fn orient(a: (f64, f64), b: (f64, f64), c: (f64, f64)) -> f64 {
    (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
}

fn on_segment(a: (f64, f64), b: (f64, f64), p: (f64, f64)) -> bool {
    p.0 >= a.0.min(b.0) && p.0 <= a.0.max(b.0) && p.1 >= a.1.min(b.1) && p.1 <= a.1.max(b.1)
}

/// Whether segments ab and cd share any point (touching counts).
fn segments_meet(a: (f64, f64), b: (f64, f64), c: (f64, f64), d: (f64, f64)) -> bool {
    let (d1, d2, d3, d4) = (
        orient(c, d, a),
        orient(c, d, b),
        orient(a, b, c),
        orient(a, b, d),
    );
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
    {
        return true;
    }
    (d1 == 0.0 && on_segment(c, d, a))
        || (d2 == 0.0 && on_segment(c, d, b))
        || (d3 == 0.0 && on_segment(a, b, c))
        || (d4 == 0.0 && on_segment(a, b, d))
}

/// Even-odd point in ring.
fn contains(ring: &Ring, (x, y): (f64, f64)) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let ((x1, y1), (x2, y2)) = (w[0], w[1]);
        if (y1 > y) != (y2 > y) && x < (x2 - x1) * (y - y1) / (y2 - y1) + x1 {
            inside = !inside;
        }
    }
    inside
}

/// The rings of a stored boundary (every outline and hole of every part), for drawing; text
/// that is not a Polygon or MultiPolygon has none.
pub fn rings(stored: &str) -> Vec<Vec<(f64, f64)>> {
    let Ok(v) = serde_json::from_str::<Value>(stored) else {
        return Vec::new();
    };
    let coords = v.get("coordinates");
    let polygons: Vec<&Value> = match (v.get("type").and_then(Value::as_str), coords) {
        (Some("Polygon"), Some(c)) => vec![c],
        (Some("MultiPolygon"), Some(c)) => {
            c.as_array().map(|a| a.iter().collect()).unwrap_or_default()
        }
        _ => Vec::new(),
    };
    polygons
        .into_iter()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|ring| {
            ring.as_array()?
                .iter()
                .map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
                .collect::<Option<Vec<_>>>()
        })
        .collect()
}

/// A ring (its first position not repeated at the end) as GeoJSON Polygon text, for
/// [`parse_boundary`].
pub fn polygon_json(ring: &[(f64, f64)]) -> String {
    let mut closed: Vec<[f64; 2]> = ring.iter().map(|&(x, y)| [x, y]).collect();
    if let Some(&first) = closed.first() {
        closed.push(first);
    }
    serde_json::json!({"type": "Polygon", "coordinates": [closed]}).to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_stored_boundary_gives_back_its_rings() {
        let ring = [(51.0, 35.0), (51.1, 35.0), (51.1, 35.1), (51.0, 35.1)];
        let stored = parse_boundary(&polygon_json(&ring), None).unwrap();
        let rings = rings(&stored);
        assert_eq!(rings.len(), 1);
        assert_eq!(rings[0].len(), 5, "closed as stored");
        assert_eq!(rings[0][2], (51.1, 35.1));
        assert!(super::rings("not json").is_empty());
        assert!(super::rings(r#"{"type":"Point","coordinates":[51,35]}"#).is_empty());
    }

    #[test]
    fn the_rough_neighborhoods_of_every_district_are_valid_boundaries() {
        for n in 1..=22u8 {
            let outline = crate::geo::outline(n).unwrap();
            for piece in [3, 7, 10, 16, 24]
                .into_iter()
                .flat_map(|k| crate::geo::split(outline, k))
            {
                parse_boundary(&polygon_json(&piece), None)
                    .unwrap_or_else(|e| panic!("district {n}: {e:?} for {piece:?}"));
            }
        }
    }

    use super::*;

    const SQUARE: &str = r#"{"type":"Polygon","coordinates":[[[51.40,35.70],[51.41,35.70],[51.41,35.71],[51.40,35.71],[51.40,35.70]]]}"#;
    const TEHRAN: (f64, f64, f64, f64) = (51.0, 35.5, 51.7, 35.9);

    #[test]
    fn a_square_is_kept_as_a_polygon() {
        let out = parse_boundary(SQUARE, Some(TEHRAN)).unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["type"], "Polygon");
        assert_eq!(v["coordinates"][0].as_array().unwrap().len(), 5);
    }

    #[test]
    fn features_and_one_feature_collections_give_their_geometry() {
        let feature =
            format!(r#"{{"type":"Feature","properties":{{"name":"x"}},"geometry":{SQUARE}}}"#);
        assert!(parse_boundary(&feature, None).is_ok());
        let fc = format!(r#"{{"type":"FeatureCollection","features":[{feature}]}}"#);
        assert!(parse_boundary(&fc, None).is_ok());
        let two = format!(r#"{{"type":"FeatureCollection","features":[{feature},{feature}]}}"#);
        assert_eq!(parse_boundary(&two, None), Err(BoundaryError::NotPolygon));
    }

    #[test]
    fn what_is_not_a_polygon_is_refused_with_its_reason() {
        let cases = [
            ("not json", BoundaryError::NotJson),
            (
                r#"{"type":"Point","coordinates":[51.4,35.7]}"#,
                BoundaryError::NotPolygon,
            ),
            (
                r#"{"type":"Polygon","coordinates":[]}"#,
                BoundaryError::NotPolygon,
            ),
            (
                r#"{"type":"Polygon","coordinates":[[[51.4,35.7],[51.5,35.7],[51.4,35.7]]]}"#,
                BoundaryError::OpenRing,
            ),
            (
                r#"{"type":"Polygon","coordinates":[[[51.4,35.7],[51.5,35.7],[51.5,35.8],[51.4,35.8]]]}"#,
                BoundaryError::OpenRing,
            ),
            (
                r#"{"type":"Polygon","coordinates":[[[51.4,35.7],["a",35.7],[51.5,35.8],[51.4,35.7]]]}"#,
                BoundaryError::BadCoordinate,
            ),
            (
                r#"{"type":"Polygon","coordinates":[[[251.4,35.7],[51.5,35.7],[51.5,35.8],[251.4,35.7]]]}"#,
                BoundaryError::BadCoordinate,
            ),
            // A bow tie: its two edges cross.
            (
                r#"{"type":"Polygon","coordinates":[[[51.4,35.7],[51.5,35.8],[51.5,35.7],[51.4,35.8],[51.4,35.7]]]}"#,
                BoundaryError::SelfIntersecting,
            ),
            // Collinear: no area.
            (
                r#"{"type":"Polygon","coordinates":[[[51.4,35.7],[51.5,35.7],[51.6,35.7],[51.4,35.7]]]}"#,
                BoundaryError::NoArea,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(parse_boundary(text, None), Err(want), "{text}");
            assert!(!want.field_error().fa.is_empty());
        }
    }

    #[test]
    fn holes_must_lie_inside() {
        let inside = r#"{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[3,2],[3,3],[2,3],[2,2]]]}"#;
        assert!(parse_boundary(inside, None).is_ok());
        let outside = r#"{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[20,20],[30,20],[30,30],[20,30],[20,20]]]}"#;
        assert_eq!(
            parse_boundary(outside, None),
            Err(BoundaryError::HoleOutside)
        );
    }

    #[test]
    fn latitude_first_is_caught_near_the_city() {
        let swapped = r#"{"type":"Polygon","coordinates":[[[35.70,51.40],[35.70,51.41],[35.71,51.41],[35.71,51.40],[35.70,51.40]]]}"#;
        assert_eq!(
            parse_boundary(swapped, Some(TEHRAN)),
            Err(BoundaryError::Swapped)
        );
        // Elsewhere, and not merely swapped, is accepted: the registry is not only Tehran's.
        assert!(parse_boundary(swapped, None).is_ok());
    }

    #[test]
    fn multipolygons_are_checked_part_by_part_and_bounded() {
        let multi = format!(
            r#"{{"type":"MultiPolygon","coordinates":[{c},{c}]}}"#,
            c = r#"[[[0,0],[1,0],[1,1],[0,1],[0,0]]]"#
        );
        let v: Value = serde_json::from_str(&parse_boundary(&multi, None).unwrap()).unwrap();
        assert_eq!(v["type"], "MultiPolygon");
        let mut ring: Vec<String> = (0..MAX_VERTICES + 1)
            .map(|i| {
                let a = i as f64 / (MAX_VERTICES as f64) * std::f64::consts::TAU;
                format!("[{},{}]", a.cos(), a.sin())
            })
            .collect();
        ring.push(ring[0].clone());
        let big = format!(
            r#"{{"type":"Polygon","coordinates":[[{}]]}}"#,
            ring.join(",")
        );
        assert_eq!(
            parse_boundary(&big, None),
            Err(BoundaryError::TooManyVertices)
        );
    }

    #[test]
    fn codes_are_latin_and_upper_cased() {
        assert_eq!(code(" d14-n۰۳ ").unwrap(), "D14-N03");
        assert!(code("").is_err());
        assert!(code("محله").is_err());
        assert!(code(&"X".repeat(21)).is_err());
    }
}
