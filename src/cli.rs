//! The `wushe` command line: serve, migrate, seed-demo, create-admin, openapi, and the
//! scheduled jobs by hand.

use crate::config::{Config, LogFormat, Sources};
use crate::state::AppState;
use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "wushe",
    version,
    about = "Backend for community co-governance (五社联动 / 共同缔造)",
    long_about = "Backend for community co-governance (五社联动 / 共同缔造).\n\n\
        Configuration comes from environment variables (DATABASE_URL, WUSHE_BIND, WUSHE_DATA_DIR, \
        WUSHE_JWT_SECRET, REDIS_URL, WUSHE_ENV, ...) over an optional TOML file. With no \
        configuration at all, wushe keeps a SQLite database in ./data and listens on 127.0.0.1:8080."
)]
struct Cli {
    /// TOML configuration file; environment variables override its values.
    #[arg(long, env = "WUSHE_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default). Pending migrations are applied first; the server
    /// stops gracefully on SIGTERM or Ctrl-C. API docs are served at /docs.
    Serve {
        /// Address to listen on, e.g. 0.0.0.0:8080 (overrides WUSHE_BIND).
        #[arg(long)]
        bind: Option<SocketAddr>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load a demo street (three communities, one rural, a user in every role) so you can log
    /// in and look around. Safe to run twice. The demo logins are listed in the README.
    SeedDemo,
    /// Create a platform administrator, or promote an existing account to one.
    CreateAdmin {
        /// Mobile number or email address to log in with.
        #[arg(long)]
        login: String,
        /// The password; prompted for when omitted and a terminal is attached.
        #[arg(long)]
        password: Option<String>,
        /// Name shown in the apps.
        #[arg(long, default_value = "平台管理员")]
        name: String,
    },
    /// Print the OpenAPI 3.1 document as JSON (the committed api-docs/openapi.json).
    Openapi,
    /// List the scheduled jobs: when each is next due, who holds it, how it last went.
    Jobs,
    /// Run a scheduled job now, under its lease (so never at the same time as a server's
    /// run of it), and print what it did: outbox, reminders, sweep-votes, sweep-surveys,
    /// sweep-wishes, close-attendance, email-digest, expire-points, indicators or prune.
    RunJob {
        /// The job's name, as `wushe jobs` lists it.
        name: String,
    },
    /// Compute indicator snapshots for a period (`2026-10`, `2026-Q4` or `2026`): every
    /// community's metrics, scored against each standard that rates it. A closed period
    /// already computed is skipped unless --recompute, which recomputes it with the standard
    /// versions it used, giving the same figures.
    ComputeIndicators {
        #[arg(long)]
        period: String,
        /// Only this community.
        #[arg(long)]
        community: Option<i64>,
        #[arg(long)]
        recompute: bool,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve { bind: None });
    if let Command::Openapi = command {
        print!("{}", crate::openapi::document_json());
        return ExitCode::SUCCESS;
    }
    let config = match load_config(cli.config.as_deref(), &command) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("wushe: {message}");
            return ExitCode::from(2);
        }
    };
    init_tracing(config.log_format);
    for warning in &config.warnings {
        tracing::warn!("{warning}");
    }
    let result = actix_web::rt::System::new().block_on(run(command, config));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("wushe: {message}");
            ExitCode::FAILURE
        }
    }
}

fn load_config(file: Option<&std::path::Path>, command: &Command) -> Result<Config, String> {
    let mut sources = Sources::from_env_and_file(file)?;
    if let Command::Serve { bind: Some(bind) } = command {
        sources.set("WUSHE_BIND", bind.to_string());
    }
    Config::load(&sources)
}

fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    // Ignore "already set": tests and embedders may have installed their own subscriber.
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

async fn run(command: Command, config: Config) -> Result<(), String> {
    let started = std::time::Instant::now();
    let bind = config.bind;
    let state = AppState::build(config).await?;
    match command {
        Command::Serve { .. } => {
            let listener = std::net::TcpListener::bind(bind)
                .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
            let server =
                crate::http::server(state.clone(), listener, None).map_err(|e| e.to_string())?;
            crate::jobs::scheduler::spawn(state.clone());
            tracing::info!(
                %bind,
                database = state.db.target().backend_name(),
                shared_state = state.kv.backend_name(),
                ready_ms = started.elapsed().as_millis() as u64,
                "wushe is ready; API docs at http://{bind}/docs"
            );
            server.await.map_err(|e| e.to_string())
        }
        Command::Migrate => {
            tracing::info!("database is up to date");
            Ok(())
        }
        // Demo accounts share a published password; never load them into a real deployment.
        Command::SeedDemo if state.config.mode == crate::config::Mode::Production => {
            Err("seed-demo refuses to run with WUSHE_ENV=production".into())
        }
        Command::SeedDemo => crate::seed::run(&state).await,
        Command::CreateAdmin {
            login,
            password,
            name,
        } => {
            let password = match password {
                Some(p) => p,
                None if std::io::stdin().is_terminal() => {
                    rpassword::prompt_password("Password for the new admin: ")
                        .map_err(|e| e.to_string())?
                }
                None => return Err("--password is required when no terminal is attached".into()),
            };
            crate::seed::create_admin(&state, &login, &password, &name).await
        }
        Command::Openapi => Ok(()),
        Command::Jobs => {
            let rows = state
                .db
                .run(crate::jobs::lease::list)
                .await
                .map_err(|e| format!("{e:?}"))?;
            for job in crate::jobs::Job::ALL {
                let row = rows.iter().find(|r| r.name == job.as_str());
                println!(
                    "{:<17} {:<24} next {:<20} runs {:<6} failures {:<4} held by {:<20} last: {}",
                    job.as_str(),
                    format!("{:?}", job.schedule(&state.config)),
                    row.map_or("-".into(), |r| r.next_run_at.to_string()),
                    row.map_or(0, |r| r.runs),
                    row.map_or(0, |r| r.failures),
                    row.and_then(|r| r.holder.clone()).unwrap_or("-".into()),
                    row.and_then(|r| r.last_error.clone().or(r.last_outcome.clone()))
                        .unwrap_or("-".into()),
                );
            }
            Ok(())
        }
        Command::RunJob { name } => {
            use crate::jobs::{Job, scheduler};
            let job = Job::parse(&name).ok_or_else(|| {
                let names: Vec<_> = Job::ALL.iter().map(|j| j.as_str()).collect();
                format!("no job {name:?}; the jobs are {}", names.join(", "))
            })?;
            match scheduler::attempt(&state, job, true)
                .await
                .map_err(|e| format!("{e:?}"))?
            {
                scheduler::Ran::Done(Ok(summary)) => {
                    println!("{name}: {summary}");
                    Ok(())
                }
                scheduler::Ran::Done(Err(error)) => Err(format!("{name} failed: {error}")),
                scheduler::Ran::NotNow => Err(format!(
                    "{name} is running on another node now; try again when it finishes"
                )),
            }
        }
        Command::ComputeIndicators {
            period,
            community,
            recompute,
        } => {
            use crate::indicators::snapshots::{compute, plan::Scope};
            let period = crate::indicators::period::Period::parse(&period)
                .ok_or("--period must be a month 2026-10, a quarter 2026-Q4 or a year 2026")?;
            let scope = community.map_or(Scope::All, Scope::Community);
            let (at, began) = (state.clock.now(), std::time::Instant::now());
            let report = state
                .db
                .run(move |conn| {
                    compute::run(conn, period, scope, recompute, at, &Default::default())
                })
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "computed {} snapshots for {} communities (period {}, {} changed) in {} ms",
                report.snapshots,
                report.communities,
                report.period,
                report.changed,
                began.elapsed().as_millis()
            );
            Ok(())
        }
    }
}
