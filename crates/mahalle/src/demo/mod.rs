//! The demo city: a deterministic, Tehran-like city in real Persian. Loading is idempotent: every
//! row is upserted by a stable code, so `mahalle demo` can be run again at any time.

mod campaigns;
mod challenges;
mod council_terms;
pub mod data;
mod delegations;
mod followup;
mod indicators;
mod occasions;
mod partners;
mod polls;
mod projects;
pub mod requests;
mod visits;
mod vulnerable;

pub use followup::Scale;

use chrono::NaiveDate;
use mahalle_core::access::{Grant, Role, Scope};
use mahalle_core::councils::{MemberRole, PillarKind};
use mahalle_core::org::OrgKind;
use mahalle_core::text::to_persian_digits;
use mahalle_db::councils::{self, NewMembership, NewPillar};
use mahalle_db::org::{self, NewOrg};
use mahalle_db::people::{self, NewPerson};
use mahalle_db::places::{self, NewDistrict, NewNeighborhood};
use mahalle_db::{auth, settings, Store, Tx};

use data::NameSeed;

/// Bumped when the demo's content changes, so `check` can tell which one is loaded.
pub const DEMO_VERSION: &str = "1";
/// How the demo accounts get their passwords. No installation may have an account whose
/// password is known outside it, so there is no fixed demo password.
#[derive(Debug, Clone, Copy)]
pub enum Passwords<'a> {
    /// A new random password per account, shown once to whoever loaded the city; only its hash
    /// is stored.
    Generate,
    /// One password for every account, chosen by the caller (the tests).
    Same(&'a str),
}

/// Why `mahalle demo` should not load into this database: it holds what the demo did not put
/// there (recorded changes, other accounts, or a city loaded otherwise). `None` when it is
/// empty or holds the demo alone.
pub async fn foreign_data(store: &Store) -> anyhow::Result<Option<&'static str>> {
    if !mahalle_db::audit::recent(store, 1).await?.is_empty() {
        return Ok(Some("it has recorded changes (its audit log is not empty)"));
    }
    let users = auth::list_users(store).await?;
    if users
        .iter()
        .any(|u| !LOGINS.iter().any(|l| l.username == u.username))
    {
        return Ok(Some("it has accounts the demo did not create"));
    }
    if mahalle_db::maintenance::count(store, "districts").await? > 0
        && settings::get(store, "demo_version").await?.is_none()
    {
        return Ok(Some("it holds a city the demo did not load"));
    }
    Ok(None)
}

/// A demo account: username, display name, role, and the code of its scope (if any).
pub struct DemoLogin {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: Role,
}

pub const LOGINS: &[DemoLogin] = &[
    DemoLogin {
        username: "admin",
        display_name: "مدیر سامانه",
        role: Role::Admin,
    },
    DemoLogin {
        username: "mayor",
        display_name: "دفتر شهردار تهران",
        role: Role::MayorOffice,
    },
    DemoLogin {
        username: "deputy",
        display_name: "معاونت هماهنگی و امور مناطق",
        role: Role::Deputy,
    },
    DemoLogin {
        username: "d14",
        display_name: "شهردار منطقه ۱۴",
        role: Role::DistrictMayor,
    },
    DemoLogin {
        username: "water",
        display_name: "رابط شرکت آب و فاضلاب",
        role: Role::Liaison,
    },
    DemoLogin {
        username: "council",
        display_name: "عضو شورایاری پیروزی",
        role: Role::CouncilMember,
    },
    DemoLogin {
        username: "d14deputy",
        display_name: "معاون شهردار منطقه ۱۴",
        role: Role::Viewer,
    },
    DemoLogin {
        username: "water14",
        display_name: "کارشناس آب و فاضلاب منطقه ۱۴",
        role: Role::Viewer,
    },
    DemoLogin {
        username: "viewer",
        display_name: "بیننده",
        role: Role::Viewer,
    },
];

/// What a load did, for the CLI to report.
#[derive(Debug, Default)]
pub struct Summary {
    pub districts: usize,
    pub neighborhoods: usize,
    pub organisations: usize,
    pub people: usize,
    pub memberships: usize,
    pub pillars: usize,
    pub meetings: usize,
    pub resolutions: usize,
    pub reports: usize,
    pub services: usize,
    pub requests: usize,
    /// Each demo account's username and the password it was given.
    pub logins: Vec<(&'static str, String)>,
}

/// A wall-clock time in Tehran on a date, as UTC.
pub(crate) fn tehran_time(day: NaiveDate, hour: u32, minute: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    let local = day.and_hms_opt(hour, minute, 0).unwrap_or_default();
    mahalle_web::tehran_offset()
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default()
}

/// SplitMix64: a tiny deterministic generator, so the demo is the same on every machine.
pub(crate) struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

/// People are numbered as they are made; the number is their stable reference.
struct People {
    rng: Rng,
    next: usize,
    created: usize,
}

impl People {
    async fn make(&mut self, tx: &mut Tx) -> anyhow::Result<i64> {
        self.next += 1;
        let female = self.rng.chance(38);
        let first: &NameSeed = if female {
            self.rng.pick(data::FEMALE_FIRST_NAMES)
        } else {
            self.rng.pick(data::MALE_FIRST_NAMES)
        };
        let last = self.rng.pick(data::LAST_NAMES);
        let ref_code = format!("demo-p-{:05}", self.next);
        let phone = format!("0912{:07}", self.rng.next() % 10_000_000);
        let id = people::upsert(
            tx,
            &NewPerson {
                ref_code: Some(&ref_code),
                full_name_fa: &format!("{} {}", first.fa, last.fa),
                full_name_en: &format!("{} {}", first.en, last.en),
                gender: if female { "female" } else { "male" },
                phone: &phone,
                email: "",
            },
        )
        .await?;
        self.created += 1;
        Ok(id)
    }
}

/// Loads (or reloads) the demo city with a year of citizens' requests.
pub async fn load(store: &Store, passwords: Passwords<'_>) -> anyhow::Result<Summary> {
    load_sized(store, requests::RequestScale::DEMO, passwords).await
}

/// Loads the demo city in one transaction, then the request catalogue and (into a city without
/// requests) their history at the given scale.
pub async fn load_sized(
    store: &Store,
    scale: requests::RequestScale,
    passwords: Passwords<'_>,
) -> anyhow::Result<Summary> {
    let mut s = load_city(store, passwords).await?;
    let (services, added) = requests::load(store, scale, chrono::Utc::now()).await?;
    s.services = services;
    s.requests = added;
    Ok(s)
}

/// The city, its Social HQ history and its accounts, without the request catalogue (upgrade
/// tests load this into an older schema).
pub async fn load_city(store: &Store, passwords: Passwords<'_>) -> anyhow::Result<Summary> {
    let mut tx = store.begin().await?;
    let mut s = Summary::default();

    // Organisations first: district offices and councils hang under the Municipality.
    let mut org_ids: Vec<(&str, i64)> = Vec::new();
    for o in data::ORGANISATIONS {
        let kind = OrgKind::parse(o.kind).ok_or_else(|| anyhow::anyhow!("bad kind {}", o.kind))?;
        let parent_id = o
            .parent
            .and_then(|p| org_ids.iter().find(|(c, _)| *c == p).map(|x| x.1));
        let id = org::upsert(
            &mut tx,
            &NewOrg {
                code: o.code,
                kind,
                name_fa: o.fa,
                name_en: o.en,
                parent_id,
                district_id: None,
                neighborhood_id: None,
                phone: o.phone,
                email: o.email,
                address: "تهران",
                website: "",
            },
        )
        .await?;
        org_ids.push((o.code, id));
        s.organisations += 1;
    }
    let mun = org_ids.iter().find(|(c, _)| *c == "MUN").map(|x| x.1);
    for (code, fa, en) in [
        (
            "HQ-SOCIAL",
            "قرارگاه اجتماعی شهر تهران",
            "Tehran Social Headquarters",
        ),
        (
            "HQ-HEALTH",
            "قرارگاه سلامت شهر تهران",
            "Tehran Health Headquarters",
        ),
    ] {
        let id = org::upsert(
            &mut tx,
            &NewOrg {
                code,
                kind: OrgKind::Headquarters,
                name_fa: fa,
                name_en: en,
                parent_id: mun,
                district_id: None,
                neighborhood_id: None,
                phone: "",
                email: "",
                address: "تهران، میدان بهارستان",
                website: "",
            },
        )
        .await?;
        org_ids.push((code, id));
        s.organisations += 1;
    }

    let mut people = People {
        rng: Rng(1404),
        next: 0,
        created: 0,
    };
    let mut rng = Rng(14);
    // Neighborhood council terms: the 5th ended and the 6th began on 1 Shahrivar 1404.
    let t5 = (date(2021, 8, 23), Some(date(2025, 8, 23)));
    let t6 = (date(2025, 8, 23), Some(date(2029, 8, 22)));
    let mut first_council_d14: Option<i64> = None;
    let mut first_neighborhood_d14: Option<i64> = None;
    let mut places_for_followup: Vec<(i64, i64, &str, i64)> = Vec::new();
    let mut d14: Option<i64> = None;

    for d in &data::DISTRICTS {
        let num = i64::from(d.number);
        let code = format!("D{:02}", d.number);
        let name_fa = format!("منطقه {}", to_persian_digits(&num.to_string()));
        let name_en = format!("District {num}");
        let district_id = places::upsert_district(
            &mut tx,
            &NewDistrict {
                code: &code,
                number: num,
                name_fa: &name_fa,
                name_en: &name_en,
                population: Some(d.population),
                area_km2: Some(d.area_km2),
                boundary: boundary(mahalle_core::geo::outline(d.number)),
            },
        )
        .await?;
        s.districts += 1;
        if num == 14 {
            d14 = Some(district_id);
        }
        let office_id = org::upsert(
            &mut tx,
            &NewOrg {
                code: &format!("MUN-{code}"),
                kind: OrgKind::DistrictOffice,
                name_fa: &format!("شهرداری {name_fa}"),
                name_en: &format!("{name_en} Municipality"),
                parent_id: mun,
                district_id: Some(district_id),
                neighborhood_id: None,
                phone: "137",
                email: &format!("region{num}@tehran.example.ir"),
                address: &format!("تهران، {name_fa}"),
                website: "",
            },
        )
        .await?;
        s.organisations += 1;

        // Rough neighborhood outlines: the district cut into pieces of equal area.
        let pieces = mahalle_core::geo::outline(d.number)
            .map(|o| mahalle_core::geo::split(o, d.neighborhoods.len()))
            .unwrap_or_default();
        for (i, n) in d.neighborhoods.iter().enumerate() {
            let ncode = format!("{code}-N{:02}", i + 1);
            let nid = places::upsert_neighborhood(
                &mut tx,
                &NewNeighborhood {
                    district_id,
                    code: &ncode,
                    name_fa: n.fa,
                    name_en: n.en,
                    population: Some(n.population),
                    boundary: boundary(pieces.get(i).map(Vec::as_slice)),
                },
            )
            .await?;
            s.neighborhoods += 1;
            places_for_followup.push((nid, district_id, n.fa, num));
            let council_id = org::upsert(
                &mut tx,
                &NewOrg {
                    code: &format!("NC-{ncode}"),
                    kind: OrgKind::NeighborhoodCouncil,
                    name_fa: &format!("شورایاری محله {}", n.fa),
                    name_en: &format!("{} Neighborhood Council", n.en),
                    parent_id: Some(office_id),
                    district_id: Some(district_id),
                    neighborhood_id: Some(nid),
                    phone: "",
                    email: "",
                    address: "",
                    website: "",
                },
            )
            .await?;
            s.organisations += 1;
            if num == 14 && first_council_d14.is_none() {
                first_council_d14 = Some(council_id);
                first_neighborhood_d14 = Some(nid);
            }
            let (m, p) =
                council_and_pillars(&mut tx, &mut rng, &mut people, council_id, nid, t5, t6)
                    .await?;
            s.memberships += m;
            s.pillars += p;
        }
    }
    s.people = people.created;
    council_terms::term_change(&mut tx).await?;
    partners::load(&mut tx).await?;

    let hq = org_ids
        .iter()
        .find(|(c, _)| *c == "HQ-SOCIAL")
        .map(|x| x.1)
        .ok_or_else(|| anyhow::anyhow!("no HQ"))?;
    let lookup = |code: &str| org_ids.iter().find(|(c, _)| *c == code).map(|x| x.1);
    let f = followup::load(
        &mut tx,
        &mut Rng(1403),
        hq,
        &lookup,
        &places_for_followup,
        mahalle_web::today(),
        followup::Scale::DEMO,
    )
    .await?;
    s.meetings = f.meetings;
    s.resolutions = f.resolutions;
    s.reports = f.reports;

    // Demo accounts.
    let water = org_ids.iter().find(|(c, _)| *c == "AG-WATER").map(|x| x.1);
    let mut accounts = Vec::new();
    for login in LOGINS {
        let scope = match login.role {
            Role::DistrictMayor => {
                Scope::District(d14.ok_or_else(|| anyhow::anyhow!("no district 14"))?)
            }
            Role::Liaison => {
                Scope::Organisation(water.ok_or_else(|| anyhow::anyhow!("no water company"))?)
            }
            Role::CouncilMember => Scope::Neighborhood(
                first_neighborhood_d14.ok_or_else(|| anyhow::anyhow!("no neighborhood"))?,
            ),
            _ => Scope::City,
        };
        let password = match passwords {
            Passwords::Generate => mahalle_web::http::passwords::new_password(),
            Passwords::Same(p) => p.to_string(),
        };
        let hash = mahalle_web::accounts::ops::hash_password(password.clone()).await?;
        s.logins.push((login.username, password));
        let id = auth::upsert_user(&mut tx, login.username, login.display_name, &hash).await?;
        auth::set_grants(&mut tx, id, &[Grant::new(login.role, scope)?]).await?;
        accounts.push((login.username, id));
    }
    delegations::load(
        &mut tx,
        chrono::Utc::now(),
        mahalle_web::today(),
        &|u| accounts.iter().find(|(n, _)| *n == u).map(|x| x.1),
        d14.ok_or_else(|| anyhow::anyhow!("no district 14"))?,
        water.ok_or_else(|| anyhow::anyhow!("no water company"))?,
    )
    .await?;
    settings::set(&mut tx, "demo_version", DEMO_VERSION).await?;
    tx.commit().await?;
    Ok(s)
}

/// Seats two council terms (the 5th, ended, and the current 6th) and the neighborhood's pillars.
async fn council_and_pillars(
    tx: &mut Tx,
    rng: &mut Rng,
    people: &mut People,
    council_id: i64,
    neighborhood_id: i64,
    t5: (NaiveDate, Option<NaiveDate>),
    t6: (NaiveDate, Option<NaiveDate>),
) -> anyhow::Result<(usize, usize)> {
    let term5 = councils::upsert_term(tx, council_id, 5, t5.0, t5.1, t5.1).await?;
    let term6 = councils::upsert_term(tx, council_id, 6, t6.0, t6.1, None).await?;
    let seats = [
        MemberRole::Chair,
        MemberRole::ViceChair,
        MemberRole::Secretary,
        MemberRole::Member,
        MemberRole::Member,
        MemberRole::Member,
        MemberRole::Member,
        MemberRole::Alternate,
    ];
    let mut memberships = 0;
    // Each term's election: ballots cast, and votes falling from the first seat to the alternate
    // (drawn from a generator of their own, so the rest of the demo stays as it was).
    let votes_rng = &mut Rng(council_id as u64);
    let election = |rng: &mut Rng, term: i64, on: NaiveDate| {
        let ballots = 900 + rng.below(1800) as i64;
        let mut votes = ballots * (55 + rng.below(25) as i64) / 100;
        move |rng: &mut Rng, i: usize, person: i64| {
            votes -= 1 + rng.below(60) as i64;
            let outcome = if i < 7 {
                ("elected", None)
            } else {
                ("alternate", Some(1))
            };
            (
                term,
                on,
                ballots,
                (person, votes.max(0), None, outcome.0, outcome.1),
            )
        }
    };
    let mut vote5 = election(votes_rng, term5, date(2021, 6, 18));
    let mut vote6 = election(votes_rng, term6, date(2025, 6, 20));
    // The former term: everyone's service ended; most have been thanked, some still wait.
    let mut former = Vec::new();
    for (i, role) in seats.into_iter().enumerate() {
        let person = people.make(tx).await?;
        former.push(person);
        let (term, on, ballots, row) = vote5(votes_rng, i, person);
        councils::upsert_candidate(tx, term, on, ballots, row).await?;
        let thanked = rng
            .chance(70)
            .then(|| date(2025, 9, 10 + rng.below(20) as u32));
        councils::upsert_membership(
            tx,
            &NewMembership {
                person_id: person,
                body_id: council_id,
                role: role.as_str(),
                term_id: Some(term5),
                starts_on: t5.0,
                ends_on: t5.1,
                thanked_on: thanked,
                alternate_rank: (role == MemberRole::Alternate).then_some(1),
            },
        )
        .await?;
        memberships += 1;
    }
    // The current term: about a third re-elected, the rest new.
    for (i, role) in seats.into_iter().enumerate() {
        // Re-elect a former member who has no seat yet, or seat someone new.
        let person = if !former.is_empty() && rng.chance(30) {
            former.swap_remove(rng.below(former.len()))
        } else {
            people.make(tx).await?
        };
        let (term, on, ballots, row) = vote6(votes_rng, i, person);
        councils::upsert_candidate(tx, term, on, ballots, row).await?;
        councils::upsert_membership(
            tx,
            &NewMembership {
                person_id: person,
                body_id: council_id,
                role: role.as_str(),
                term_id: Some(term6),
                starts_on: t6.0,
                ends_on: None,
                thanked_on: None,
                alternate_rank: (role == MemberRole::Alternate).then_some(1),
            },
        )
        .await?;
        memberships += 1;
    }

    let mut pillars = 0;
    let mut wanted = vec![(
        PillarKind::Manager,
        String::new(),
        date(2023, 1 + rng.below(12) as u32, 1),
    )];
    for _ in 0..2 + rng.below(2) {
        wanted.push((
            PillarKind::Trustee,
            String::new(),
            date(2015 + rng.below(9) as i32, 1 + rng.below(12) as u32, 1),
        ));
    }
    for _ in 0..1 + rng.below(2) {
        let mosque = rng.pick(data::MOSQUE_NAMES).fa.to_string();
        wanted.push((
            PillarKind::Imam,
            mosque,
            date(2010 + rng.below(14) as i32, 1 + rng.below(12) as u32, 1),
        ));
    }
    let group = rng.pick(data::PEOPLE_GROUPS).fa.to_string();
    wanted.push((
        PillarKind::PeopleGroup,
        group,
        date(2018 + rng.below(7) as i32, 1 + rng.below(12) as u32, 1),
    ));
    if rng.chance(50) {
        let place = rng.pick(data::SCHOOLS_AND_CENTRES).fa.to_string();
        wanted.push((
            PillarKind::Elite,
            place,
            date(2020 + rng.below(5) as i32, 1 + rng.below(12) as u32, 1),
        ));
    }
    for (kind, title, since) in wanted {
        let person = people.make(tx).await?;
        councils::upsert_pillar(
            tx,
            &NewPillar {
                neighborhood_id,
                person_id: person,
                kind: kind.as_str(),
                title: &title,
                since,
                until: None,
            },
        )
        .await?;
        pillars += 1;
    }
    Ok((memberships, pillars))
}

/// Adds Social HQ history to a database that holds the demo city (benchmarks use this to reach
/// hundreds of thousands of resolutions). Weeks already held are left alone.
pub async fn add_history(store: &Store, scale: Scale, seed: u64) -> anyhow::Result<(usize, usize)> {
    let orgs = mahalle_db::bulk::org_codes(store).await?;
    let hq = orgs
        .iter()
        .find(|(c, _)| c == "HQ-SOCIAL")
        .map(|x| x.1)
        .ok_or_else(|| anyhow::anyhow!("load the demo city first"))?;
    let places = mahalle_db::bulk::places(store).await?;
    let places: Vec<(i64, i64, &str, i64)> = places
        .iter()
        .map(|p| {
            (
                p.neighborhood_id,
                p.district_id,
                p.name_fa.as_str(),
                p.district_number,
            )
        })
        .collect();
    let lookup = |code: &str| orgs.iter().find(|(c, _)| c == code).map(|x| x.1);
    let mut tx = store.begin().await?;
    let c = followup::load(
        &mut tx,
        &mut Rng(seed),
        hq,
        &lookup,
        &places,
        mahalle_web::today(),
        scale,
    )
    .await?;
    tx.commit().await?;
    Ok((c.resolutions, c.reports))
}

/// A rough outline as the boundary a place stores (checked like an uploaded one).
fn boundary(ring: Option<&[(f64, f64)]>) -> Option<String> {
    let ring = ring?;
    mahalle_core::places::parse_boundary(&mahalle_core::places::polygon_json(ring), None).ok()
}
