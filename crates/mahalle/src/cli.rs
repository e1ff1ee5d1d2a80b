//! The command line: `mahalle [serve|migrate|demo|user|backup|restore|check]`.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};
use mahalle_db::{auth, maintenance, settings, Store};
use mahalle_web::WebConfig;

use crate::{demo, server::Application};

/// Mahalle — neighborhood-centred city governance (محله).
#[derive(Parser, Debug)]
#[command(name = "mahalle", version, about, long_about = None)]
pub struct Cli {
    /// Database URL: sqlite://FILE (created on first use) or postgres://USER@HOST/DB.
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        default_value = "sqlite://mahalle.db",
        hide_env_values = true
    )]
    pub database: String,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start the web server (the default command). Migrates, and loads the demo city into an empty database.
    Serve(ServeArgs),
    /// Apply database migrations and report them.
    Migrate,
    /// Load or reload the demo city (idempotent) and print its log-ins with new passwords.
    /// Refuses a database holding data the demo did not create, unless told --force.
    Demo {
        /// Load even into a database that holds other data (its demo accounts get new passwords).
        #[arg(long)]
        force: bool,
        /// A smaller history of citizens' requests (two months at 20 a day instead of a year at
        /// 700): quicker to load, for a first look and for tests.
        #[arg(long)]
        small: bool,
    },
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage Open311 API keys of client applications.
    #[command(subcommand, name = "api-key")]
    ApiKey(ApiKeyCommand),
    /// Copy the database to FILE while the servers run (SQLite itself, or PostgreSQL's pg_dump).
    Backup {
        /// Where to write the copy; must not exist yet.
        file: std::path::PathBuf,
    },
    /// Put a backup in place of the database (stop the servers first). A SQLite database already
    /// there is kept beside it; a backup from an older version is migrated.
    Restore {
        /// A file `mahalle backup` wrote.
        file: std::path::PathBuf,
        /// Replace a database that already exists.
        #[arg(long)]
        force: bool,
    },
    /// Check the database's integrity and the configuration; exits non-zero on problems.
    Check,
    /// Check or rebuild the follow-up counters (inbox, overdue, accountability).
    #[command(subcommand)]
    Counters(CountersCommand),
    /// Fill the database to millions of citizens' requests and measure Open311 over HTTP:
    /// sustained POST requests.json and GET requests.json for a district. Use a database of its own.
    BenchRequests(BenchRequestsArgs),
    /// Fill the database to ten years of city data (resolutions with their progress reports,
    /// citizens' requests, challenges, projects) and time the supervision pages over HTTP: the
    /// scorecards, the projects behind plan and a visit's briefing pack. Use a database of its own.
    BenchCity(BenchCityArgs),
    /// Load-test the pages, API and Open311 over loopback: many clients for a while over a mix of
    /// reads and writes (the demo city's accounts; loads the demo into an empty database). Exits
    /// non-zero on any error or time-out.
    Load {
        #[arg(long, default_value_t = 200)]
        clients: usize,
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// Milliseconds after which an unanswered request counts as a time-out.
        #[arg(long, default_value_t = 2000)]
        timeout_ms: u64,
    },
    /// Fill the database to benchmark scale (adds Social HQ history) and time the follow-up views
    /// and a 450-row import. Use a database of its own: it adds hundreds of thousands of rows.
    Bench {
        /// Resolutions to reach before timing.
        #[arg(long, default_value_t = 250_000)]
        resolutions: usize,
        /// Timed runs per measurement.
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
}

#[derive(Subcommand, Debug)]
pub enum CountersCommand {
    /// Compare every counter table with a recount of the resolutions; print the differences
    /// and exit non-zero when there are any.
    Check,
    /// Recount every counter table from the resolutions in one transaction.
    Rebuild,
}

#[derive(Args, Debug, Clone)]
pub struct BenchRequestsArgs {
    /// Stored requests to reach before timing.
    #[arg(long, default_value_t = 10_000_000)]
    pub requests: usize,
    /// Seconds of sustained posting.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Concurrent posting clients.
    #[arg(long, default_value_t = 64)]
    pub clients: usize,
    /// Timed searches.
    #[arg(long, default_value_t = 30)]
    pub runs: usize,
}

#[derive(Args, Debug, Clone)]
pub struct BenchCityArgs {
    /// Resolutions to reach (about four progress reports each).
    #[arg(long, default_value_t = 250_000)]
    pub resolutions: usize,
    /// Citizens' requests to reach, spread over ten years.
    #[arg(long, default_value_t = 10_000_000)]
    pub requests: usize,
    /// Neighborhood challenges to reach, spread over ten years.
    #[arg(long, default_value_t = 300_000)]
    pub challenges: usize,
    /// Priority projects to reach, started over ten years.
    #[arg(long, default_value_t = 30_000)]
    pub projects: usize,
    /// Timed runs per page.
    #[arg(long, default_value_t = 30)]
    pub runs: usize,
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "MAHALLE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Do not load the demo city into an empty database.
    #[arg(long, env = "MAHALLE_NO_DEMO")]
    pub no_demo: bool,
    /// Hours a sign-in lasts.
    #[arg(long, env = "MAHALLE_SESSION_HOURS", default_value_t = 12)]
    pub session_hours: i64,
    /// Mark cookies Secure; set this when users reach Mahalle over HTTPS.
    #[arg(long, env = "MAHALLE_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Reverse proxies (addresses or blocks, comma-separated: 127.0.0.1,10.0.0.0/8) whose
    /// X-Forwarded-For header names the client; per-IP limits then count the citizen's address.
    #[arg(long, env = "MAHALLE_TRUSTED_PROXIES", default_value = "", value_parser = parse_proxies)]
    pub trusted_proxies: Proxies,
    /// Requests served at once; more wait up to two seconds for a place, then get 503 with
    /// Retry-After rather than queueing without bound.
    #[arg(long, env = "MAHALLE_MAX_IN_FLIGHT", default_value_t = 512)]
    pub max_in_flight: usize,
    /// Mail server for reminders: smtp://user:pass@host:587?tls=starttls, smtps://…, smtp://host:25.
    /// Without it, notifications wait in the outbox (/notifications).
    #[arg(long, env = "MAHALLE_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender of reminder e-mails.
    #[arg(
        long,
        env = "MAHALLE_MAIL_FROM",
        default_value = "سامانه محله <noreply@localhost>"
    )]
    pub mail_from: String,
    /// Mail domain of an e-mail-to-SMS gateway (e.g. sms.example.ir): residents' poll codes go
    /// through the mail server to <mobile>@<domain>. Without it, residents get codes in person.
    #[arg(long, env = "MAHALLE_SMS_GATEWAY")]
    pub sms_gateway: Option<String>,
    /// Overdue days after which a resolution is escalated to the chair's office.
    #[arg(long, env = "MAHALLE_ESCALATE_AFTER_DAYS", default_value_t = 14)]
    pub escalate_after_days: i64,
    /// Hours past its response deadline after which an unanswered citizens' request is reported
    /// to the district's municipal office (or the organisation above the handler).
    #[arg(
        long,
        env = "MAHALLE_REQUEST_ESCALATE_AFTER_HOURS",
        default_value_t = 48
    )]
    pub request_escalate_after_hours: i64,
    /// Overdue reminders only for deadlines at most this many days ago; older arrears stay in
    /// the overdue lists and are escalated in one digest per organisation.
    #[arg(long, env = "MAHALLE_OVERDUE_CUTOFF_DAYS", default_value_t = 30)]
    pub overdue_cutoff_days: i64,
    /// One reminder per resolution instead of one digest per organisation, day and kind
    /// (escalations of deadlines beyond the cut-off and late citizens' requests still come in
    /// digests).
    #[arg(long, env = "MAHALLE_NO_DIGEST")]
    pub no_digest: bool,
    /// Minutes between reminder runs.
    #[arg(long, env = "MAHALLE_REMINDER_MINUTES", default_value_t = 5)]
    pub reminder_minutes: u64,
    /// Address users reach Mahalle at, for links in e-mails (e.g. https://mahalle.tehran.ir).
    #[arg(long, env = "MAHALLE_PUBLIC_URL", default_value = "")]
    pub public_url: String,
}

/// The `--trusted-proxies` list, one value for clap.
#[derive(Debug, Clone, Default)]
pub struct Proxies(pub Vec<mahalle_core::forwarded::Network>);

fn parse_proxies(s: &str) -> Result<Proxies, String> {
    mahalle_core::forwarded::parse_list(s).map(Proxies)
}

impl Default for ServeArgs {
    fn default() -> Self {
        ServeArgs {
            bind: "127.0.0.1:8080".into(),
            no_demo: false,
            session_hours: 12,
            secure_cookies: false,
            trusted_proxies: Proxies::default(),
            max_in_flight: 512,
            smtp_url: None,
            mail_from: "سامانه محله <noreply@localhost>".into(),
            sms_gateway: None,
            escalate_after_days: 14,
            request_escalate_after_hours: 48,
            overdue_cutoff_days: 30,
            no_digest: false,
            reminder_minutes: 5,
            public_url: String::new(),
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account. The password is read from MAHALLE_PASSWORD, or stdin, or asked for.
    Add {
        username: String,
        /// Name shown in the interface.
        #[arg(long)]
        name: String,
        /// admin, mayor_office, deputy, district_mayor, liaison, council_member or viewer.
        #[arg(long, default_value = "viewer")]
        role: String,
        /// Id of the district (district_mayor), organisation (liaison) or neighborhood (council_member).
        #[arg(long)]
        scope: Option<i64>,
    },
    /// Set a new password (read like `add`); signs the user out everywhere.
    Passwd {
        username: String,
        /// Also revoke the account's API tokens and calendar links.
        #[arg(long)]
        end_tokens: bool,
    },
    /// List accounts and their roles.
    List,
    /// Issue an API token for an account; prints the token alone on the last line.
    Token {
        username: String,
        /// What the token is for, e.g. the client program's name.
        name: String,
        /// read (GET only) or write.
        #[arg(long, default_value = "read")]
        scope: String,
        /// Days until the token expires; never when not given.
        #[arg(long)]
        days: Option<i64>,
    },
    /// Offboarding: close an account, remove its roles, end its sessions, revoke its tokens.
    Deactivate { username: String },
}

#[derive(Subcommand, Debug)]
pub enum ApiKeyCommand {
    /// Issue a key for a client application; prints the key alone on the last line.
    Create {
        /// The application's name, e.g. "137 mobile app".
        name: String,
    },
    /// List keys (the key itself is never shown again).
    List,
    /// Revoke a key by its id; its application can no longer post requests.
    Revoke { id: i64 },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("MAHALLE_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

pub(crate) async fn open(url: &str) -> anyhow::Result<Store> {
    let store = Store::connect(url)
        .await
        .with_context(|| format!("cannot open the database {}", mahalle_db::redact_url(url)))?;
    store
        .migrate()
        .await
        .context("cannot migrate the database")?;
    Ok(store)
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let command = cli.command.unwrap_or(Command::Serve(ServeArgs::default()));
    // These two open the database themselves: a restore must not create it first.
    match command {
        Command::Backup { file } => {
            crate::backup::backup(&cli.database, &file).await?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Restore { file, force } => {
            crate::backup::restore(&cli.database, &file, force).await?;
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    let store = open(&cli.database).await?;
    match command {
        Command::Serve(args) => {
            return serve(store, &cli.database, args)
                .await
                .map(|()| ExitCode::SUCCESS)
        }
        Command::Migrate => {
            for (version, description, applied) in store.migration_status().await? {
                println!(
                    "{version} {description}: {}",
                    if applied { "applied" } else { "pending" }
                );
            }
        }
        Command::Demo { force, small } => {
            if let (Some(why), false) = (demo::foreign_data(&store).await?, force) {
                store.close().await;
                eprintln!(
                    "mahalle demo: not loading into this database: {why}. \
                     Use a database of its own, or add --force to load it anyway."
                );
                return Ok(ExitCode::FAILURE);
            }
            let scale = if small {
                demo::requests::RequestScale::SMALL
            } else {
                demo::requests::RequestScale::DEMO
            };
            let s = demo::load_sized(&store, scale, demo::Passwords::Generate).await?;
            print_demo(&s);
        }
        Command::User(u) => user(&store, u).await?,
        Command::ApiKey(k) => api_key(&store, k).await?,
        // Answered before the database was opened.
        Command::Backup { .. } | Command::Restore { .. } => {}
        Command::Check => return check(&store, &cli.database).await,
        Command::Load {
            clients,
            seconds,
            timeout_ms,
        } => {
            if settings::get(&store, "demo_version").await?.is_none() {
                println!("loading the demo city…");
                demo::load(&store, demo::Passwords::Generate).await?;
            }
            println!("{clients} clients for {seconds} s on {}…", store.kind());
            let report = crate::load::run(
                store.clone(),
                crate::load::Options {
                    clients,
                    seconds,
                    timeout: std::time::Duration::from_millis(timeout_ms),
                },
            )
            .await?;
            print!("{report}");
            if report.errors() + report.timeouts() > 0 {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Counters(CountersCommand::Check) => {
            let diff = mahalle_db::counters::check_rows(&store).await?;
            store.close().await;
            if diff.is_empty() {
                println!("counters: all agree with the resolutions");
                return Ok(ExitCode::SUCCESS);
            }
            for d in &diff {
                println!("{d}");
            }
            println!(
                "counters: {} tables differ; run `mahalle counters rebuild`",
                diff.len()
            );
            return Ok(ExitCode::FAILURE);
        }
        Command::Counters(CountersCommand::Rebuild) => {
            let started = std::time::Instant::now();
            let rows = mahalle_db::counters::rebuild(&store).await?;
            println!(
                "counters rebuilt: {rows} rows in {} tables, {:.1} s",
                mahalle_db::counters::tables().len(),
                started.elapsed().as_secs_f64()
            );
        }
        Command::BenchRequests(a) => {
            crate::bench_requests::run(
                store.clone(),
                crate::bench_requests::Options {
                    requests: a.requests,
                    seconds: a.seconds,
                    clients: a.clients,
                    runs: a.runs,
                },
            )
            .await?
        }
        Command::Bench { resolutions, runs } => {
            crate::bench::run(&store, crate::bench::Options { resolutions, runs }).await?
        }
        Command::BenchCity(a) => {
            crate::bench_city::run(
                store.clone(),
                crate::bench_city::Options {
                    resolutions: a.resolutions,
                    requests: a.requests,
                    challenges: a.challenges,
                    projects: a.projects,
                    runs: a.runs,
                },
            )
            .await?
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn serve(store: Store, url: &str, args: ServeArgs) -> anyhow::Result<()> {
    if !args.no_demo && maintenance::count(&store, "districts").await? == 0 {
        tracing::info!("empty database: loading the demo city");
        let s = demo::load(&store, demo::Passwords::Generate).await?;
        tracing::info!(
            districts = s.districts,
            neighborhoods = s.neighborhoods,
            people = s.people,
            "demo city loaded; its log-ins are printed below, once"
        );
        print_logins(&s);
    }
    let notifier =
        mahalle_web::notifications::from_config(args.smtp_url.as_deref(), &args.mail_from)
            .map_err(|e| anyhow::anyhow!("--smtp-url: {e}"))?;
    let web = WebConfig {
        session_hours: args.session_hours.max(1),
        secure_cookies: args.secure_cookies,
        trusted_proxies: args.trusted_proxies.0,
        max_in_flight: args.max_in_flight.max(1),
        texts: mahalle_web::http::texts::Texts::new(notifier.clone(), args.sms_gateway.clone()),
        public_url: args.public_url.clone(),
        ..WebConfig::default()
    };
    let reminders = mahalle_web::notifications::spawn_reminders(
        store.clone(),
        notifier,
        mahalle_web::notifications::ReminderConfig {
            escalate_after_days: args.escalate_after_days.max(1),
            request_escalate_after_hours: args.request_escalate_after_hours.max(1),
            overdue_cutoff_days: args.overdue_cutoff_days.max(1),
            daily_digest: !args.no_digest,
            interval: std::time::Duration::from_secs(args.reminder_minutes.max(1) * 60),
            public_url: args.public_url.clone(),
            ..Default::default()
        },
    );
    let app = Application::build(store, &args.bind, web).await?;
    tracing::info!(database = %mahalle_db::redact_url(url), "Mahalle listening on http://{}", app.local_addr());
    let result = app.run().await;
    reminders.abort();
    result
}

fn print_demo(s: &demo::Summary) {
    println!(
        "Demo city loaded: {} districts, {} neighborhoods, {} organisations, {} people, {} council memberships, {} pillars.",
        s.districts, s.neighborhoods, s.organisations, s.people, s.memberships, s.pillars
    );
    println!(
        "Social HQ: {} weekly sessions, {} resolutions, {} progress reports.",
        s.meetings, s.resolutions, s.reports
    );
    println!(
        "Citizens' requests: {} service categories, {} requests added.",
        s.services, s.requests
    );
    print_logins(s);
}

/// The demo accounts with the passwords this load gave them. They are stored only as hashes:
/// this is the one time they are shown.
fn print_logins(s: &demo::Summary) {
    println!("Demo log-ins (new passwords, shown only now; `mahalle demo` again makes new ones):");
    for l in demo::LOGINS {
        let password = s
            .logins
            .iter()
            .find(|(u, _)| *u == l.username)
            .map_or("", |(_, p)| p.as_str());
        println!(
            "  {:<10} {:<20} {:<16} {}",
            l.username,
            password,
            l.role.as_str(),
            l.display_name
        );
    }
}

/// A password from MAHALLE_PASSWORD, else a prompt on a terminal, else one line of stdin.
fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("MAHALLE_PASSWORD") {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        let p = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Again: ")?;
        if p != again {
            bail!("the passwords differ");
        }
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn web_error(e: mahalle_web::http::error::AppError) -> anyhow::Error {
    match e {
        mahalle_web::http::error::AppError::Invalid(fields) => {
            anyhow::anyhow!(fields
                .iter()
                .map(|f| f.en.clone())
                .collect::<Vec<_>>()
                .join(" "))
        }
        other => anyhow::anyhow!(other.detail().message),
    }
}

async fn user(store: &Store, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add {
            username,
            name,
            role,
            scope,
        } => {
            let grant = mahalle_web::accounts::ops::parse_grant(
                &role,
                &scope.map(|s| s.to_string()).unwrap_or_default(),
            )
            .map_err(web_error)?;
            let password = read_password()?;
            let id = mahalle_web::accounts::ops::create_user(
                store,
                None,
                &username,
                &name,
                &password,
                &[grant],
            )
            .await
            .map_err(web_error)?;
            println!("created user {username} (id {id})");
        }
        UserCommand::Passwd {
            username,
            end_tokens,
        } => {
            let password = read_password()?;
            mahalle_web::accounts::ops::change_password(
                store, None, &username, &password, end_tokens,
            )
            .await
            .map_err(web_error)?;
            if end_tokens {
                println!(
                    "password changed for {username}; their sessions ended and tokens were revoked"
                );
            } else {
                println!("password changed for {username}; their sessions were ended");
            }
        }
        UserCommand::Deactivate { username } => {
            let u = auth::user_by_name(store, &username.to_lowercase())
                .await?
                .with_context(|| format!("no user {username}"))?;
            mahalle_web::accounts::ops::close_account(store, None, u.id)
                .await
                .map_err(web_error)?;
            println!("account {username} closed: roles removed, sessions ended, tokens revoked");
        }
        UserCommand::List => {
            for u in auth::list_users(store).await? {
                let roles: Vec<String> = auth::grants_of(store, u.id)
                    .await?
                    .iter()
                    .map(|g| match g.scope {
                        mahalle_core::access::Scope::City => g.role.as_str().to_string(),
                        mahalle_core::access::Scope::District(i)
                        | mahalle_core::access::Scope::Organisation(i)
                        | mahalle_core::access::Scope::Neighborhood(i) => {
                            format!("{}:{i}", g.role.as_str())
                        }
                    })
                    .collect();
                println!(
                    "{:<16} {:<8} {:<30} {}",
                    u.username,
                    if u.active { "active" } else { "inactive" },
                    roles.join(","),
                    u.display_name
                );
            }
        }
        UserCommand::Token {
            username,
            name,
            scope,
            days,
        } => {
            let u = auth::user_by_name(store, &username.to_lowercase())
                .await?
                .with_context(|| format!("no user {username}"))?;
            let scope = mahalle_core::tokens::TokenScope::from_input(Some(&scope))
                .map_err(|e| anyhow::anyhow!(e.en))?;
            let (_, token) =
                mahalle_web::accounts::ops::issue_api_token(store, None, u.id, &name, scope, days)
                    .await
                    .map_err(web_error)?;
            println!(
                "API token for {username} ({name}, {}); it is shown only once:",
                scope.as_str()
            );
            println!("{token}");
        }
    }
    Ok(())
}

async fn api_key(store: &Store, cmd: ApiKeyCommand) -> anyhow::Result<()> {
    use mahalle_web::requests::ops;
    match cmd {
        ApiKeyCommand::Create { name } => {
            let (id, key) = ops::create_api_key(store, &name, None)
                .await
                .map_err(web_error)?;
            println!("API key {id} for {name}; it is shown only once:");
            println!("{key}");
        }
        ApiKeyCommand::List => {
            for k in mahalle_db::api_keys::api_keys(store).await? {
                let state = match k.revoked_at {
                    Some(t) => format!("revoked {}", t.format("%Y-%m-%d")),
                    None => "active".into(),
                };
                let used = k
                    .last_used_at
                    .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_else(|| "never used".into());
                println!(
                    "{:<5} {:<10}… {:<20} {:<18} {}",
                    k.id, k.prefix, state, used, k.name
                );
            }
        }
        ApiKeyCommand::Revoke { id } => {
            if ops::revoke_api_key(store, id, None)
                .await
                .map_err(web_error)?
            {
                println!("API key {id} revoked");
            } else {
                bail!("no active API key {id}");
            }
        }
    }
    Ok(())
}

async fn check(store: &Store, url: &str) -> anyhow::Result<ExitCode> {
    let mut problems = 0;
    println!(
        "database: {} ({})",
        mahalle_db::redact_url(url),
        store.kind()
    );
    for (version, description, applied) in store.migration_status().await? {
        println!(
            "migration {version} {description}: {}",
            if applied { "applied" } else { "PENDING" }
        );
        if !applied {
            problems += 1;
        }
    }
    match maintenance::health(store).await? {
        maintenance::Health::Sqlite {
            integrity,
            broken_references,
        } => {
            println!(
                "integrity: {}",
                if integrity.is_empty() {
                    "ok".to_string()
                } else {
                    format!("{integrity:?}")
                }
            );
            problems += usize::from(!integrity.is_empty());
            println!(
                "foreign keys: {}",
                if broken_references == 0 {
                    "ok".to_string()
                } else {
                    format!("{broken_references} broken references")
                }
            );
            problems += usize::from(broken_references > 0);
        }
        maintenance::Health::Postgres { version } => println!("server: {version}"),
    }
    for t in maintenance::COUNTED_TABLES {
        println!("{t}: {}", maintenance::count(store, t).await?);
    }
    let admins = maintenance::active_admins(store).await?;
    println!("active administrators: {admins}");
    if admins == 0 {
        println!("warning: no administrator; create one with `mahalle user add NAME --name ... --role admin`");
        problems += 1;
    }
    match settings::get(store, "demo_version").await? {
        Some(v) => println!(
            "demo city: loaded (version {v}); demo passwords are public — not for production"
        ),
        None => println!("demo city: not loaded"),
    }
    println!(
        "{}",
        if problems == 0 {
            "check: ok".to_string()
        } else {
            format!("check: {problems} problem(s)")
        }
    );
    Ok(if problems == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
