//! `mahalle load`: many clients at once on loopback, over the real HTTP stack, for a while — a mix
//! of the pages people open (the mayor's requests queue, follow-up lists, accountability, an
//! agency's inbox, a resolution, a meeting, a district), API and Open311 reads, and writes
//! (citizens' requests, progress reports). Every answer must be the expected one within the
//! time-out: any error or time-out fails the run.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mahalle_core::tokens::TokenScope;
use mahalle_db::Store;

pub struct Options {
    pub clients: usize,
    pub seconds: u64,
    /// A request not answered within this counts as a time-out.
    pub timeout: Duration,
}

/// What one kind of call did.
#[derive(Default, Clone)]
pub struct Tally {
    pub ok: usize,
    pub errors: usize,
    pub timeouts: usize,
    pub latencies: Vec<Duration>,
    /// The first unexpected answer, to say what went wrong.
    pub first_error: Option<String>,
}

pub struct Report {
    pub seconds: f64,
    pub kinds: BTreeMap<&'static str, Tally>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.kinds.values().map(|t| t.errors).sum()
    }
    pub fn timeouts(&self) -> usize {
        self.kinds.values().map(|t| t.timeouts).sum()
    }
    pub fn answered(&self) -> usize {
        self.kinds.values().map(|t| t.ok).sum()
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} answered in {:.1} s ({:.0}/s), {} errors, {} time-outs",
            self.answered(),
            self.seconds,
            self.answered() as f64 / self.seconds,
            self.errors(),
            self.timeouts()
        )?;
        for (kind, t) in &self.kinds {
            writeln!(
                f,
                "  {kind:<34} {:>6} ok {:>3} err {:>3} t/o  {}",
                t.ok,
                t.errors,
                t.timeouts,
                crate::bench_requests::stats(t.latencies.clone())
            )?;
            if let Some(e) = &t.first_error {
                writeln!(f, "    first error: {e}")?;
            }
        }
        Ok(())
    }
}

/// One call of the mix: its name, who makes it, the method and path (taken in turn when there
/// are several, so that writes spread as they would), and a form or JSON body.
#[derive(Clone)]
struct Call {
    kind: &'static str,
    token: Option<String>,
    post: Option<Body>,
    paths: Vec<String>,
}

#[derive(Clone)]
enum Body {
    Form(Vec<(String, String)>),
    Json(serde_json::Value),
}

async fn token(store: &Store, user: i64, scope: TokenScope) -> anyhow::Result<String> {
    let (_, secret) =
        mahalle_web::accounts::ops::issue_api_token(store, None, user, "load test", scope, Some(1))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(secret)
}

/// The mix, weighted by repetition, over the demo city's accounts and records.
async fn mix(store: &Store) -> anyhow::Result<Vec<Call>> {
    let t = mahalle_db::bulk::load_targets(store).await.map_err(|e| {
        anyhow::anyhow!("not a demo city to load-test ({e}); run `mahalle demo` on it first")
    })?;
    let mayor = token(store, t.mayor, TokenScope::Write).await?;
    let water = token(store, t.water, TokenScope::Read).await?;
    let d14 = token(store, t.d14, TokenScope::Read).await?;
    let (_, key) = mahalle_web::requests::ops::create_api_key(store, "load test", None)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (resolution, request, meeting, neighborhood) =
        (t.open_resolutions[0], t.request, t.meeting, t.neighborhood);
    let get = |kind: &'static str, who: &Option<String>, path: String| Call {
        kind,
        token: who.clone(),
        post: None,
        paths: vec![path],
    };
    let (mayor, water, d14, public) = (Some(mayor), Some(water), Some(d14), None);
    let mut calls = vec![
        get("page: mayor's requests queue", &mayor, "/requests".into()),
        get("page: resolutions", &mayor, "/resolutions".into()),
        get(
            "page: resolutions search",
            &mayor,
            "/resolutions?q=پیاده‌رو".into(),
        ),
        get("page: accountability", &mayor, "/accountability".into()),
        get("page: home", &mayor, "/".into()),
        get("page: agency inbox", &water, "/inbox".into()),
        get("page: agency overdue", &water, "/overdue".into()),
        get(
            "page: resolution",
            &water,
            format!("/resolutions/{resolution}"),
        ),
        get("page: meeting", &d14, format!("/meetings/{meeting}")),
        get("page: district", &d14, "/districts/14".into()),
        get(
            "page: neighborhood",
            &d14,
            format!("/neighborhoods/{neighborhood}"),
        ),
        get(
            "page: district's challenges",
            &d14,
            "/challenges?district=14".into(),
        ),
        get("page: residents' polls", &public, "/polls".into()),
        get(
            "page: district scorecard",
            &public,
            "/scorecards/districts/14".into(),
        ),
        get(
            "page: projects behind plan",
            &d14,
            "/projects?district=14&behind=1".into(),
        ),
        get(
            "api: resolutions",
            &d14,
            "/api/v1/resolutions?district_id=14".into(),
        ),
        get(
            "api: request",
            &mayor,
            format!("/api/v1/requests/{request}"),
        ),
        get(
            "api: accountability",
            &mayor,
            "/api/v1/accountability".into(),
        ),
        get(
            "open311: district's requests",
            &public,
            "/open311/v2/requests.json?district=14".into(),
        ),
        get(
            "open311: services",
            &public,
            "/open311/v2/services.json".into(),
        ),
    ];
    let citizen = Call {
        kind: "write: open311 request",
        token: None,
        post: Some(Body::Form(
            [
                ("api_key", key.as_str()),
                ("service_code", "STREET-LIGHT"),
                ("lat", "35.7009"),
                ("long", "51.4012"),
                ("attribute[LIGHTS]", "2"),
                ("description", "چراغ کوچه خاموش است (آزمون بار)"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        )),
        paths: vec!["/open311/v2/requests.json".into()],
    };
    let report = Call {
        kind: "write: api progress report",
        token: mayor.clone(),
        post: Some(Body::Json(
            serde_json::json!({ "percent": 50, "text": "گزارش پیشرفت (آزمون بار)" }),
        )),
        paths: t
            .open_resolutions
            .iter()
            .map(|id| format!("/api/v1/resolutions/{id}/reports"))
            .collect(),
    };
    calls.extend([citizen.clone(), citizen, report]);
    Ok(calls)
}

/// Runs the load against a server on `store` started here, on a port of its own.
pub async fn run(store: Store, o: Options) -> anyhow::Result<Report> {
    let calls = Arc::new(mix(&store).await?);
    let app = crate::server::Application::build(
        store.clone(),
        "127.0.0.1:0",
        mahalle_web::WebConfig::default(),
    )
    .await?;
    let base = Arc::new(format!("http://{}", app.local_addr()));
    tokio::spawn(app.run_until(std::future::pending()));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(o.clients)
        .timeout(o.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let started = Instant::now();
    let stop = started + Duration::from_secs(o.seconds);
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..o.clients {
        let (client, calls, base) = (client.clone(), calls.clone(), base.clone());
        tasks.spawn(async move {
            let mut tally: BTreeMap<&'static str, Tally> = BTreeMap::new();
            // Each client walks the mix from its own starting point.
            let mut i = c * 7;
            while Instant::now() < stop {
                let call = &calls[i % calls.len()];
                let path = &call.paths[(i / calls.len()) % call.paths.len()];
                i += 1;
                let url = format!("{base}{path}");
                let mut req = match &call.post {
                    None => client.get(&url),
                    Some(Body::Form(f)) => client.post(&url).form(f),
                    Some(Body::Json(j)) => client.post(&url).json(j),
                };
                if let Some(t) = &call.token {
                    req = req.bearer_auth(t);
                }
                let t = Instant::now();
                let answer = match req.send().await {
                    Ok(r) => {
                        let status = r.status();
                        match r.bytes().await {
                            Ok(_) if status.is_success() => Ok(()),
                            Ok(_) => Err((false, format!("{path} answered {status}"))),
                            Err(e) => Err((e.is_timeout(), format!("{path}: {e}"))),
                        }
                    }
                    Err(e) => Err((e.is_timeout(), format!("{path}: {e}"))),
                };
                let entry = tally.entry(call.kind).or_default();
                match answer {
                    Ok(()) => {
                        entry.ok += 1;
                        entry.latencies.push(t.elapsed());
                    }
                    Err((timeout, why)) => {
                        if timeout {
                            entry.timeouts += 1;
                        } else {
                            entry.errors += 1;
                        }
                        entry.first_error.get_or_insert(why);
                    }
                }
            }
            tally
        });
    }
    let mut kinds: BTreeMap<&'static str, Tally> = BTreeMap::new();
    while let Some(done) = tasks.join_next().await {
        for (kind, t) in done? {
            let all = kinds.entry(kind).or_default();
            all.ok += t.ok;
            all.errors += t.errors;
            all.timeouts += t.timeouts;
            all.latencies.extend(t.latencies);
            if all.first_error.is_none() {
                all.first_error = t.first_error;
            }
        }
    }
    Ok(Report {
        seconds: started.elapsed().as_secs_f64(),
        kinds,
    })
}
