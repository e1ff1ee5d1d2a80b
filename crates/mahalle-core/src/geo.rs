//! An approximate, offline map of Tehran's 22 municipal districts, for the "point on a map"
//! picker of the public request form: a citizen clicks where the problem is and the request is
//! routed to that district without any map service (no third-party tiles, no tracking, works
//! on a poor connection).
//!
//! The shapes are deliberately rough, not surveyed boundaries: they are laid out like the real
//! city on a shared grid of vertices, so neighbouring districts have exactly the same border and
//! never overlap. Staff can always correct the district of a request by hand.

/// One district's outline.
#[derive(Debug)]
pub struct DistrictShape {
    pub number: u8,
    /// `(longitude, latitude)` vertices, counter-clockwise, the first not repeated at the end.
    pub polygon: &'static [(f64, f64)],
}

/// The shared vertices, `(lon, lat)`: row r runs west to east, rows run north to south. Every
/// district is a chain of these, which is what keeps neighbours from overlapping.
const V: [[(f64, f64); 12]; 11] = [
    [
        (51.103, 35.827),
        (51.168, 35.831),
        (51.244, 35.832),
        (51.297, 35.826),
        (51.347, 35.833),
        (51.376, 35.828),
        (51.409, 35.830),
        (51.436, 35.829),
        (51.471, 35.833),
        (51.500, 35.832),
        (51.543, 35.828),
        (51.590, 35.832),
    ],
    [
        (51.098, 35.802),
        (51.166, 35.796),
        (51.243, 35.803),
        (51.304, 35.798),
        (51.345, 35.797),
        (51.377, 35.801),
        (51.405, 35.801),
        (51.438, 35.796),
        (51.465, 35.799),
        (51.500, 35.800),
        (51.543, 35.800),
        (51.592, 35.801),
    ],
    [
        (51.096, 35.771),
        (51.170, 35.771),
        (51.240, 35.770),
        (51.298, 35.766),
        (51.345, 35.769),
        (51.383, 35.767),
        (51.409, 35.770),
        (51.440, 35.767),
        (51.465, 35.773),
        (51.498, 35.773),
        (51.539, 35.770),
        (51.594, 35.767),
    ],
    [
        (51.099, 35.738),
        (51.172, 35.739),
        (51.242, 35.743),
        (51.298, 35.737),
        (51.342, 35.737),
        (51.380, 35.741),
        (51.414, 35.743),
        (51.436, 35.741),
        (51.472, 35.738),
        (51.504, 35.738),
        (51.535, 35.743),
        (51.586, 35.743),
    ],
    [
        (51.098, 35.713),
        (51.173, 35.717),
        (51.242, 35.717),
        (51.301, 35.716),
        (51.345, 35.716),
        (51.377, 35.717),
        (51.414, 35.714),
        (51.441, 35.715),
        (51.466, 35.711),
        (51.501, 35.718),
        (51.538, 35.713),
        (51.590, 35.719),
    ],
    [
        (51.099, 35.687),
        (51.168, 35.693),
        (51.238, 35.688),
        (51.298, 35.687),
        (51.344, 35.691),
        (51.380, 35.691),
        (51.410, 35.690),
        (51.440, 35.688),
        (51.470, 35.688),
        (51.503, 35.689),
        (51.536, 35.692),
        (51.588, 35.690),
    ],
    [
        (51.099, 35.668),
        (51.166, 35.663),
        (51.238, 35.668),
        (51.302, 35.662),
        (51.349, 35.667),
        (51.378, 35.663),
        (51.408, 35.664),
        (51.441, 35.666),
        (51.475, 35.667),
        (51.497, 35.665),
        (51.538, 35.667),
        (51.593, 35.663),
    ],
    [
        (51.100, 35.643),
        (51.170, 35.643),
        (51.242, 35.639),
        (51.301, 35.638),
        (51.343, 35.640),
        (51.384, 35.640),
        (51.413, 35.641),
        (51.440, 35.639),
        (51.472, 35.641),
        (51.497, 35.644),
        (51.540, 35.642),
        (51.592, 35.639),
    ],
    [
        (51.101, 35.614),
        (51.173, 35.616),
        (51.236, 35.612),
        (51.302, 35.615),
        (51.348, 35.614),
        (51.375, 35.615),
        (51.409, 35.613),
        (51.441, 35.619),
        (51.472, 35.614),
        (51.496, 35.614),
        (51.540, 35.618),
        (51.588, 35.614),
    ],
    [
        (51.104, 35.586),
        (51.167, 35.593),
        (51.245, 35.592),
        (51.295, 35.589),
        (51.341, 35.591),
        (51.379, 35.590),
        (51.406, 35.591),
        (51.442, 35.587),
        (51.469, 35.591),
        (51.495, 35.586),
        (51.538, 35.589),
        (51.587, 35.587),
    ],
    [
        (51.102, 35.555),
        (51.172, 35.556),
        (51.241, 35.554),
        (51.305, 35.555),
        (51.345, 35.554),
        (51.377, 35.555),
        (51.407, 35.558),
        (51.435, 35.551),
        (51.467, 35.556),
        (51.504, 35.558),
        (51.540, 35.554),
        (51.594, 35.557),
    ],
];

/// The 22 districts, district n at index n - 1.
pub static DISTRICTS: [DistrictShape; 22] = [
    DistrictShape {
        number: 1,
        polygon: &[
            V[0][5], V[1][5], V[1][6], V[2][6], V[2][8], V[2][10], V[1][10], V[1][9], V[0][9],
        ],
    },
    DistrictShape {
        number: 2,
        polygon: &[
            V[1][4], V[4][4], V[4][5], V[3][5], V[3][6], V[2][6], V[1][6], V[1][5],
        ],
    },
    DistrictShape {
        number: 3,
        polygon: &[V[2][6], V[3][6], V[3][7], V[3][8], V[2][8]],
    },
    DistrictShape {
        number: 4,
        polygon: &[
            V[2][8], V[3][8], V[3][9], V[4][9], V[4][11], V[2][11], V[2][10],
        ],
    },
    DistrictShape {
        number: 5,
        polygon: &[V[1][2], V[4][2], V[4][3], V[4][4], V[1][4]],
    },
    DistrictShape {
        number: 6,
        polygon: &[V[3][5], V[4][5], V[4][6], V[4][7], V[3][7], V[3][6]],
    },
    DistrictShape {
        number: 7,
        polygon: &[V[3][7], V[4][7], V[5][7], V[5][8], V[3][8]],
    },
    DistrictShape {
        number: 8,
        polygon: &[V[3][8], V[5][8], V[5][9], V[4][9], V[3][9]],
    },
    DistrictShape {
        number: 9,
        polygon: &[V[4][3], V[5][3], V[6][3], V[6][4], V[4][4]],
    },
    DistrictShape {
        number: 10,
        polygon: &[V[4][4], V[6][4], V[6][5], V[4][5]],
    },
    DistrictShape {
        number: 11,
        polygon: &[V[4][5], V[6][5], V[6][6], V[4][6]],
    },
    DistrictShape {
        number: 12,
        polygon: &[V[4][6], V[6][6], V[6][7], V[5][7], V[4][7]],
    },
    DistrictShape {
        number: 13,
        polygon: &[
            V[4][9], V[5][9], V[6][9], V[6][10], V[5][10], V[5][11], V[4][11],
        ],
    },
    DistrictShape {
        number: 14,
        polygon: &[
            V[5][7], V[6][7], V[7][7], V[7][8], V[6][8], V[6][9], V[5][9], V[5][8],
        ],
    },
    DistrictShape {
        number: 15,
        polygon: &[
            V[6][8], V[7][8], V[7][7], V[8][7], V[8][8], V[9][8], V[9][9], V[8][9], V[8][10],
            V[6][10], V[6][9],
        ],
    },
    DistrictShape {
        number: 16,
        polygon: &[
            V[6][5], V[7][5], V[8][5], V[8][7], V[7][7], V[6][7], V[6][6],
        ],
    },
    DistrictShape {
        number: 17,
        polygon: &[V[6][4], V[7][4], V[7][5], V[6][5]],
    },
    DistrictShape {
        number: 18,
        polygon: &[
            V[5][2], V[8][2], V[8][3], V[7][3], V[7][4], V[6][4], V[6][3], V[5][3],
        ],
    },
    DistrictShape {
        number: 19,
        polygon: &[
            V[7][3], V[8][3], V[9][3], V[9][4], V[9][5], V[8][5], V[7][5], V[7][4],
        ],
    },
    DistrictShape {
        number: 20,
        polygon: &[
            V[8][5], V[9][5], V[9][4], V[10][4], V[10][8], V[9][8], V[8][8], V[8][7],
        ],
    },
    DistrictShape {
        number: 21,
        polygon: &[V[4][1], V[5][1], V[5][2], V[5][3], V[4][3], V[4][2]],
    },
    DistrictShape {
        number: 22,
        polygon: &[V[1][0], V[4][0], V[4][1], V[4][2], V[1][2]],
    },
];

/// The district containing the point, if any (points outside the city, or in the small gaps
/// along its edge, have none).
pub fn district_at(lon: f64, lat: f64) -> Option<u8> {
    DISTRICTS
        .iter()
        .find(|d| contains(d.polygon, lon, lat))
        .map(|d| d.number)
}

/// The centre of mass of a district's outline, e.g. to place its label or to pan the map to it.
pub fn centroid(number: u8) -> Option<(f64, f64)> {
    let d = DISTRICTS.iter().find(|d| d.number == number)?;
    let (mut area2, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for (i, &(x1, y1)) in d.polygon.iter().enumerate() {
        let (x2, y2) = d.polygon[(i + 1) % d.polygon.len()];
        let k = x1 * y2 - x2 * y1;
        area2 += k;
        cx += (x1 + x2) * k;
        cy += (y1 + y2) * k;
    }
    Some((cx / (3.0 * area2), cy / (3.0 * area2)))
}

/// `(min lon, min lat, max lon, max lat)` of the whole map.
pub fn bounds() -> (f64, f64, f64, f64) {
    DISTRICTS.iter().flat_map(|d| d.polygon.iter()).fold(
        (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ),
        |(a, b, c, d), &(x, y)| (a.min(x), b.min(y), c.max(x), d.max(y)),
    )
}

/// Each district's outline as an SVG path `d` attribute, for a `width` × `height` viewport
/// with north up. The map is fitted and centred in the viewport; longitudes are shrunk by the
/// cosine of the latitude so that the city is not stretched east-west. A viewport without a
/// positive, finite size yields no paths.
pub fn svg_paths(width: f64, height: f64) -> Vec<(u8, String)> {
    let Some(p) = Projection::new(width, height) else {
        return Vec::new();
    };
    DISTRICTS
        .iter()
        .map(|d| {
            let mut path = String::new();
            for (i, &(lon, lat)) in d.polygon.iter().enumerate() {
                let (x, y) = p.forward(lon, lat);
                path.push_str(if i == 0 { "M" } else { "L" });
                path.push_str(&format!("{x:.2} {y:.2}"));
            }
            path.push('Z');
            (d.number, path)
        })
        .collect()
}

/// One district's map for a `width` × `height` viewport fitted to the district alone: its
/// outline as an SVG path, and where each `(lon, lat)` point falls in it. `None` for an unknown
/// district or a degenerate viewport.
pub fn district_map(
    number: u8,
    width: f64,
    height: f64,
    points: &[(f64, f64)],
) -> Option<(String, Vec<(f64, f64)>)> {
    let d = DISTRICTS.iter().find(|d| d.number == number)?;
    let b = d.polygon.iter().fold(
        (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ),
        |(a, b, c, e), &(x, y)| (a.min(x), b.min(y), c.max(x), e.max(y)),
    );
    let p = Projection::fitted(b, width, height)?;
    let mut path = String::new();
    for (i, &(lon, lat)) in d.polygon.iter().enumerate() {
        let (x, y) = p.forward(lon, lat);
        path.push_str(if i == 0 { "M" } else { "L" });
        path.push_str(&format!("{x:.2} {y:.2}"));
    }
    path.push('Z');
    Some((
        path,
        points
            .iter()
            .map(|&(lon, lat)| p.forward(lon, lat))
            .collect(),
    ))
}

/// The `(lon, lat)` under viewport point `(x, y)` of an `svg_paths(width, height)` map: turns a
/// click into a point for [`district_at`]. A degenerate viewport maps everything to the centre
/// of the map.
pub fn to_lon_lat(x: f64, y: f64, width: f64, height: f64) -> (f64, f64) {
    match Projection::new(width, height) {
        Some(p) => p.inverse(x, y),
        None => {
            let (a, b, c, d) = bounds();
            ((a + c) / 2.0, (b + d) / 2.0)
        }
    }
}

/// A district's rough outline from this map, counter-clockwise, the first vertex not repeated.
pub fn outline(number: u8) -> Option<&'static [(f64, f64)]> {
    DISTRICTS
        .iter()
        .find(|d| d.number == number)
        .map(|d| d.polygon)
}

/// Shapes (each a list of rings: an outline and its holes, or several parts) fitted together
/// into a `width` × `height` viewport with north up, each as an SVG path `d` attribute (to be
/// filled even-odd). A shape without rings, or every shape when the viewport is degenerate or
/// nothing has a position, yields an empty path.
pub fn fit_paths(shapes: &[Vec<Vec<(f64, f64)>>], width: f64, height: f64) -> Vec<String> {
    let b = shapes.iter().flatten().flatten().fold(
        (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ),
        |(a, b, c, d), &(x, y)| (a.min(x), b.min(y), c.max(x), d.max(y)),
    );
    let p = (b.0 < b.2 && b.1 < b.3)
        .then(|| Projection::fitted(b, width, height))
        .flatten();
    shapes
        .iter()
        .map(|rings| {
            let Some(p) = &p else {
                return String::new();
            };
            let mut path = String::new();
            for ring in rings {
                for (i, &(lon, lat)) in ring.iter().enumerate() {
                    let (x, y) = p.forward(lon, lat);
                    path.push_str(if i == 0 { "M" } else { "L" });
                    path.push_str(&format!("{x:.1} {y:.1}"));
                }
                if !ring.is_empty() {
                    path.push('Z');
                }
            }
            path
        })
        .collect()
}

/// The area of a ring (positive when counter-clockwise), in square degrees.
pub fn ring_area(ring: &[(f64, f64)]) -> f64 {
    (0..ring.len())
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum::<f64>()
        / 2.0
}

/// Cuts a polygon into `n` pieces of nearly equal area, by cutting it across its longer side
/// in the ratio of the pieces wanted on each side and cutting each part again — a rough map of
/// a district's neighborhoods where no surveyed one is at hand. Each piece is a ring like the
/// input (first vertex not repeated); a convex polygon always yields `n` convex pieces.
pub fn split(polygon: &[(f64, f64)], n: usize) -> Vec<Vec<(f64, f64)>> {
    if n <= 1 || polygon.len() < 3 {
        return vec![polygon.to_vec()];
    }
    let (min_x, min_y, max_x, max_y) = polygon.iter().fold(
        (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ),
        |(a, b, c, d), &(x, y)| (a.min(x), b.min(y), c.max(x), d.max(y)),
    );
    let kx = ((min_y + max_y) / 2.0).to_radians().cos();
    let across = (max_x - min_x) * kx >= max_y - min_y;
    let first = n / 2;
    let want = ring_area(polygon).abs() * first as f64 / n as f64;
    // Bisect for the cut leaving the wanted share of the area below it.
    let cut = |vertical: bool| {
        let (mut a, mut b) = if vertical {
            (min_x, max_x)
        } else {
            (min_y, max_y)
        };
        for _ in 0..60 {
            let mid = (a + b) / 2.0;
            if ring_area(&clip(polygon, vertical, mid, true)).abs() < want {
                a = mid;
            } else {
                b = mid;
            }
        }
        (a + b) / 2.0
    };
    // Across the longer side, unless that line meets the outline more than twice (a concave
    // outline would leave a piece in two parts joined by a sliver).
    let crossings = |vertical: bool, at: f64| {
        let coord = |p: (f64, f64)| if vertical { p.0 } else { p.1 };
        (0..polygon.len())
            .filter(|&i| {
                let (a, b) = (polygon[i], polygon[(i + 1) % polygon.len()]);
                (coord(a) < at) != (coord(b) < at)
            })
            .count()
    };
    let (mut vertical, mut at) = (across, cut(across));
    if crossings(vertical, at) > 2 {
        let other = cut(!across);
        if crossings(!across, other) <= 2 {
            (vertical, at) = (!across, other);
        }
    }
    let mut out = split(&clip(polygon, vertical, at, true), first);
    out.extend(split(&clip(polygon, vertical, at, false), n - first));
    out
}

/// The part of a polygon on one side of a vertical (`x = at`) or horizontal (`y = at`) line
/// (Sutherland–Hodgman), with repeated vertices dropped.
fn clip(polygon: &[(f64, f64)], vertical: bool, at: f64, below: bool) -> Vec<(f64, f64)> {
    let coord = |p: (f64, f64)| if vertical { p.0 } else { p.1 };
    let inside = |p: (f64, f64)| (coord(p) <= at) == below || coord(p) == at;
    let mut out: Vec<(f64, f64)> = Vec::new();
    let mut push = |p: (f64, f64)| {
        if out.last() != Some(&p) {
            out.push(p);
        }
    };
    for i in 0..polygon.len() {
        let (a, b) = (polygon[i], polygon[(i + 1) % polygon.len()]);
        if inside(a) {
            push(a);
        }
        if inside(a) != inside(b) {
            let t = (at - coord(a)) / (coord(b) - coord(a));
            let cut = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
            push(if vertical { (at, cut.1) } else { (cut.0, at) });
        }
    }
    if out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    out
}

/// Equirectangular projection of [`bounds`] into a viewport.
struct Projection {
    min_lon: f64,
    max_lat: f64,
    /// cos(mid latitude): how much shorter a degree of longitude is than one of latitude.
    kx: f64,
    /// Pixels per degree of latitude.
    scale: f64,
    ox: f64,
    oy: f64,
}

impl Projection {
    fn new(width: f64, height: f64) -> Option<Self> {
        Projection::fitted(bounds(), width, height)
    }

    /// The box `(min lon, min lat, max lon, max lat)` fitted and centred in the viewport.
    fn fitted(b: (f64, f64, f64, f64), width: f64, height: f64) -> Option<Self> {
        if !(width.is_finite() && height.is_finite() && width > 0.0 && height > 0.0) {
            return None;
        }
        let (min_lon, min_lat, max_lon, max_lat) = b;
        let kx = ((min_lat + max_lat) / 2.0).to_radians().cos();
        let (w, h) = ((max_lon - min_lon) * kx, max_lat - min_lat);
        let scale = (width / w).min(height / h);
        Some(Projection {
            min_lon,
            max_lat,
            kx,
            scale,
            ox: (width - w * scale) / 2.0,
            oy: (height - h * scale) / 2.0,
        })
    }

    fn forward(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            self.ox + (lon - self.min_lon) * self.kx * self.scale,
            self.oy + (self.max_lat - lat) * self.scale,
        )
    }

    fn inverse(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.min_lon + (x - self.ox) / (self.kx * self.scale),
            self.max_lat - (y - self.oy) / self.scale,
        )
    }
}

/// Whether a point lies inside rings (outlines and holes, even-odd), as stored boundaries
/// give them.
pub fn inside(rings: &[Vec<(f64, f64)>], (x, y): (f64, f64)) -> bool {
    rings
        .iter()
        .filter(|r| r.len() >= 3 && contains(r, x, y))
        .count()
        % 2
        == 1
}

/// Even-odd ray casting. A point on an edge shared by two districts counts for exactly one of
/// them, because both use the same half-open rule on the same segment.
fn contains(polygon: &[(f64, f64)], x: f64, y: f64) -> bool {
    let mut inside = false;
    let mut j = polygon.len() - 1;
    for (i, &(xi, yi)) in polygon.iter().enumerate() {
        let (xj, yj) = polygon[j];
        if (yi > y) != (yj > y) && x < xi + (y - yi) * (xj - xi) / (yj - yi) {
            inside = !inside;
        }
        j = i;
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_in(lon: f64, lat: f64) -> Vec<u8> {
        DISTRICTS
            .iter()
            .filter(|d| contains(d.polygon, lon, lat))
            .map(|d| d.number)
            .collect()
    }

    fn signed_area(p: &[(f64, f64)]) -> f64 {
        (0..p.len())
            .map(|i| {
                let (a, b) = (p[i], p[(i + 1) % p.len()]);
                a.0 * b.1 - b.0 * a.1
            })
            .sum::<f64>()
            / 2.0
    }

    fn cross(o: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
        (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
    }

    fn segments_cross(a: (f64, f64), b: (f64, f64), c: (f64, f64), d: (f64, f64)) -> bool {
        let (d1, d2) = (cross(c, d, a), cross(c, d, b));
        let (d3, d4) = (cross(a, b, c), cross(a, b, d));
        d1 * d2 < 0.0 && d3 * d4 < 0.0
    }

    #[test]
    fn a_district_splits_into_pieces_of_equal_area_that_cover_it() {
        for d in DISTRICTS.iter() {
            for n in [1, 2, 5, 9] {
                let pieces = split(d.polygon, n);
                assert_eq!(pieces.len(), n, "district {}", d.number);
                let whole = ring_area(d.polygon);
                let sum: f64 = pieces.iter().map(|p| ring_area(p)).sum();
                assert!((sum - whole).abs() < whole * 1e-6, "district {}", d.number);
                for p in &pieces {
                    let share = ring_area(p) / whole;
                    assert!(
                        (share - 1.0 / n as f64).abs() < 1e-3,
                        "{share} of district {}",
                        d.number
                    );
                }
            }
        }
    }

    #[test]
    fn shapes_fit_the_viewport_together() {
        let square = vec![vec![(51.0, 35.0), (51.1, 35.0), (51.1, 35.1), (51.0, 35.1)]];
        let east = vec![vec![(51.1, 35.0), (51.2, 35.0), (51.2, 35.1), (51.1, 35.1)]];
        let paths = fit_paths(&[square, east, vec![]], 200.0, 100.0);
        assert_eq!(paths.len(), 3);
        assert!(paths[0].starts_with('M') && paths[0].ends_with('Z'));
        assert!(paths[2].is_empty(), "a shape without rings draws nothing");
        // Both squares side by side fill the width; the western one starts at the left edge.
        let xs: Vec<f64> = paths[0][1..]
            .split(['L', 'Z'])
            .filter(|s| !s.is_empty())
            .map(|s| s.split(' ').next().unwrap().parse().unwrap())
            .collect();
        assert!(xs.iter().cloned().fold(f64::INFINITY, f64::min) >= 0.0);
        assert!(fit_paths(&[vec![]], 200.0, 100.0)[0].is_empty());
        assert!(
            fit_paths(&[vec![vec![(51.0, 35.0)]]], 200.0, 100.0)[0].is_empty(),
            "no area, nothing to fit"
        );
    }

    #[test]
    fn twenty_two_districts_in_order_with_sane_outlines() {
        for (i, d) in DISTRICTS.iter().enumerate() {
            assert_eq!(usize::from(d.number), i + 1);
            assert!((3..=12).contains(&d.polygon.len()), "district {}", d.number);
            assert!(
                signed_area(d.polygon) > 0.0,
                "district {} is not counter-clockwise",
                d.number
            );
            // Simple: no two non-adjacent edges cross.
            let n = d.polygon.len();
            for i in 0..n {
                for j in i + 2..n {
                    if i == 0 && j == n - 1 {
                        continue;
                    }
                    assert!(
                        !segments_cross(
                            d.polygon[i],
                            d.polygon[i + 1],
                            d.polygon[j],
                            d.polygon[(j + 1) % n]
                        ),
                        "district {} crosses itself",
                        d.number
                    );
                }
            }
        }
    }

    #[test]
    fn each_centroid_is_inside_its_own_district_only() {
        for n in 1..=22 {
            let (lon, lat) = centroid(n).unwrap();
            assert_eq!(all_in(lon, lat), vec![n], "centroid of {n}");
            assert_eq!(district_at(lon, lat), Some(n));
        }
        assert_eq!(centroid(0), None);
        assert_eq!(centroid(23), None);
    }

    #[test]
    fn landmarks_fall_in_their_districts() {
        let landmarks = [
            ("Tajrish", 51.435, 35.805, 1),
            ("Grand Bazaar", 51.42, 35.675, 12),
            ("Shahr-e Rey", 51.435, 35.59, 20),
            ("Chitgar lake", 51.20, 35.745, 22),
            ("Azadi tower", 51.338, 35.700, 9),
            ("Milad tower", 51.375, 35.745, 2),
            ("Punak", 51.32, 35.76, 5),
            ("Tehransar", 51.27, 35.70, 21),
            ("Tehranpars", 51.55, 35.755, 4),
        ];
        for (name, lon, lat, n) in landmarks {
            assert_eq!(district_at(lon, lat), Some(n), "{name}");
        }
        // District 1 is around Tajrish/Niavaran, district 22 in the far north-west.
        let (lon1, lat1) = centroid(1).unwrap();
        assert!((lon1 - 51.47).abs() < 0.03 && (lat1 - 35.80).abs() < 0.02);
        let (lon22, lat22) = centroid(22).unwrap();
        assert!((lon22 - 51.17).abs() < 0.03 && (lat22 - 35.75).abs() < 0.02);
    }

    #[test]
    fn points_outside_the_city_have_no_district() {
        for (lon, lat) in [
            (51.0, 35.7),
            (51.42, 35.9),
            (51.42, 35.5),
            (51.7, 35.7),
            (51.12, 35.60), // south-west corner of the box, outside the outline
            (0.0, 0.0),
            (f64::NAN, 35.7),
            (51.4, f64::INFINITY),
        ] {
            assert_eq!(district_at(lon, lat), None, "{lon},{lat}");
        }
    }

    #[test]
    fn districts_never_overlap_and_cover_most_of_the_outline() {
        let (a, b, c, d) = bounds();
        let (mut inside, mut total) = (0, 0);
        for i in 0..=300 {
            for j in 0..=200 {
                let lon = a + (c - a) * f64::from(i) / 300.0;
                let lat = b + (d - b) * f64::from(j) / 200.0;
                let hits = all_in(lon, lat);
                assert!(hits.len() <= 1, "{lon},{lat} in {hits:?}");
                inside += hits.len();
                total += 1;
            }
        }
        // The city is not a rectangle, but it fills a good part of its bounding box.
        assert!(inside * 100 / total > 60, "{inside}/{total}");
    }

    #[test]
    fn bounds_hold_every_vertex_and_are_plausible() {
        let (a, b, c, d) = bounds();
        assert!(a < c && b < d);
        for p in DISTRICTS.iter().flat_map(|d| d.polygon) {
            assert!((a..=c).contains(&p.0) && (b..=d).contains(&p.1));
        }
        assert!((51.0..51.2).contains(&a) && (51.5..51.7).contains(&c));
        assert!((35.5..35.6).contains(&b) && (35.8..35.9).contains(&d));
    }

    #[test]
    fn projection_round_trips_and_keeps_north_up() {
        for (w, h) in [(800.0, 600.0), (300.0, 900.0), (1.0, 1.0), (1920.0, 1080.0)] {
            let p = Projection::new(w, h).unwrap();
            for n in 1..=22 {
                let (lon, lat) = centroid(n).unwrap();
                let (x, y) = p.forward(lon, lat);
                assert!((0.0..=w).contains(&x) && (0.0..=h).contains(&y));
                let (lon2, lat2) = to_lon_lat(x, y, w, h);
                assert!((lon - lon2).abs() < 1e-9 && (lat - lat2).abs() < 1e-9);
                // A click on the drawn centroid picks that district.
                assert_eq!(district_at(lon2, lat2), Some(n));
            }
            // North is up, east is right.
            let (_, y_north) = p.forward(51.4, 35.8);
            let (_, y_south) = p.forward(51.4, 35.6);
            assert!(y_north < y_south);
            let (x_west, _) = p.forward(51.2, 35.7);
            let (x_east, _) = p.forward(51.5, 35.7);
            assert!(x_west < x_east);
        }
    }

    #[test]
    fn projection_is_not_stretched_east_west() {
        let p = Projection::new(1000.0, 1000.0).unwrap();
        let (x0, y0) = p.forward(51.4, 35.7);
        let (x1, _) = p.forward(51.41, 35.7);
        let (_, y1) = p.forward(51.4, 35.71);
        let ratio = (x1 - x0) / (y0 - y1);
        assert!((ratio - 35.7f64.to_radians().cos()).abs() < 0.01, "{ratio}");
    }

    #[test]
    fn svg_paths_fill_the_viewport() {
        let (w, h) = (800.0, 500.0);
        let paths = svg_paths(w, h);
        assert_eq!(paths.len(), 22);
        let (mut max_x, mut max_y) = (0.0f64, 0.0f64);
        for ((n, d), shape) in paths.iter().zip(&DISTRICTS) {
            assert_eq!(*n, shape.number);
            assert!(d.starts_with('M') && d.ends_with('Z'));
            assert_eq!(d.matches(['M', 'L']).count(), shape.polygon.len());
            for pair in d
                .trim_end_matches('Z')
                .split(['M', 'L'])
                .filter(|s| !s.is_empty())
            {
                let (x, y) = pair.split_once(' ').unwrap();
                let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
                assert!(
                    (0.0..=w + 0.01).contains(&x) && (0.0..=h + 0.01).contains(&y),
                    "{pair}"
                );
                max_x = max_x.max(x);
                max_y = max_y.max(y);
            }
        }
        // Fitted: one dimension reaches the edge of the viewport.
        assert!((w - max_x).abs() < 0.02 || (h - max_y).abs() < 0.02);
    }

    #[test]
    fn degenerate_viewports_do_not_panic() {
        for (w, h) in [
            (0.0, 100.0),
            (100.0, -1.0),
            (f64::NAN, 10.0),
            (f64::INFINITY, 10.0),
        ] {
            assert!(svg_paths(w, h).is_empty());
            let (lon, lat) = to_lon_lat(5.0, 5.0, w, h);
            let (a, b, c, d) = bounds();
            assert!((a..=c).contains(&lon) && (b..=d).contains(&lat));
        }
    }

    #[test]
    fn a_district_map_fits_its_own_outline() {
        let (c_lon, c_lat) = centroid(14).unwrap();
        let (path, pts) = district_map(14, 400.0, 300.0, &[(c_lon, c_lat)]).unwrap();
        assert!(path.starts_with('M') && path.ends_with('Z'));
        let (x, y) = pts[0];
        assert!(
            (0.0..=400.0).contains(&x) && (0.0..=300.0).contains(&y),
            "{x} {y}"
        );
        assert!(district_map(99, 400.0, 300.0, &[]).is_none());
        assert!(district_map(14, 0.0, 300.0, &[]).is_none());
    }
}
