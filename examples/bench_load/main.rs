//! The HTTP load driver of the benchmark suite (issue 10): drives a running wushe server (a
//! separate process) with authenticated requests from many simulated residents at once, and
//! prints one JSON object per run on stdout.
//!
//! ```text
//! bench_load setup --base URL --database-url URL --fixture FILE
//!            [--add-residents N] [--max-residents N] [--min-points P] [--token-hours H]
//! bench_load run --fixture FILE --scenario a..g --mode peak|rate [--rate R]
//!            [--connections C] [--seconds T] [--participants N] [--threads N]
//!            [--base URL] [--database-url URL]
//! bench_load sqlite-baseline --database-url sqlite://FILE [--seconds T]
//! ```
//!
//! `setup` picks, by SQL on the server's database, every community's staff member and
//! community admin, and its verified adult residents (each person in one community only);
//! signs them all in without passwords (`wushe::seed::crowd::sign_in`, so the server must
//! have the same `WUSHE_JWT_SECRET`); tops up the points of residents below `--min-points`
//! (default 100) to ten times that through the ledger; has staff put a one-point item in
//! each shop; and writes the fixture (see `fixture.rs`). `--add-residents N` first adds N
//! verified residents to every community, for small data sets such as the demo street.
//!
//! `run` prepares what the scenario acts on (see `prepare.rs`), warms C connections, loads
//! the server for T seconds (default 30), winds up, and prints e.g.
//! `{"scenario":"e","mode":"rate","backend":"sqlite","connections":32,"seconds":30,
//! "target_rate":400,"requests":12000,"http_requests":12000,"errors":0,"unsent":0,
//! "exhausted":false,"rps":399.8,"elapsed_s":30.02,"p50_ms":1.9,"p99_ms":8.1,"p999_ms":14.2,
//! "max_ms":20.5,"close_votes_ms":41.0}`.
//! `requests` counts operations (scenario b's is two HTTP requests), `rps` those answered
//! as expected per second, latencies are in ms (HDR histogram, µs resolution), `timed_from`
//! says whether from sending (peak) or from the due time (rate), `unsent` counts operations
//! of the rate schedule never sent, and `exhausted` a run that ran out of people or codes
//! (ballots, answers and check-ins are once per person) before its time. Peak mode
//! (`--mode peak`) is a closed loop of C connections; rate mode (`--mode rate --rate R`) an
//! open-loop schedule of R operations per second with at most C in flight, each timed from
//! when it was due (no coordinated omission; see `drive.rs`). Failures (an unexpected status
//! or a transport error) are counted in `errors`, and the first few printed to stderr.
//!
//! Scenarios, as residents of every community in turn:
//! * a: the open-wish list, first page (`GET /communities/{id}/wishes?status=published`).
//! * b: my balance and my last 20 ledger entries (two GETs, one operation).
//! * c: activity check-in with a code; a fresh activity per community, starting in 25 min,
//!   to which `--participants` residents (default: R×T plus a margin in rate mode, everyone
//!   up to 10,000 per community in peak mode; people attending something else then are left
//!   out) sign up beforehand, each with a code from the organiser. Afterwards the
//!   activities end (in the database), are completed, and settling them is timed:
//!   `settle_ms`, `settled` (participants credited).
//! * d: redeem one shop item (one point), residents in turn.
//! * e: cast a ballot in a vote opened for the run, each resident once; afterwards the votes
//!   are closed (results sealed) by the community admin: `close_votes_ms`.
//! * f: answer a survey opened for the run, each resident once; then closed:
//!   `close_surveys_ms`.
//! * g: the morning mix of 90% reads and 10% writes described in `mix.rs`, with a vote, a
//!   survey and an activity of its own (wound up as above); the output adds figures per
//!   kind of request under `kinds`, and `writes`.
//!
//! Every write carries an `Idempotency-Key`; ballots and answers also a receipt of the app's
//! making. Per-person rate limits apply (`WUSHE_BALLOT_LIMIT`, `WUSHE_REDEMPTION_LIMIT`,
//! `WUSHE_WISH_LIMIT`): redemptions and wishes go round every resident from a random start,
//! so a run of n of them asks n / residents of each person.
//!
//! `sqlite-baseline` prints the raw SQLite insert-transaction rate (`baseline.rs`).

#![deny(clippy::unwrap_used, clippy::expect_used)]

mod activity;
mod baseline;
mod drive;
mod fixture;
mod http;
mod mix;
mod people;
mod prepare;
mod run;
mod scenario;
mod setup;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "HTTP load driver for wushe's benchmark suite")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Choose and sign in the people, stock the shops, write the fixture.
    Setup(setup::SetupArgs),
    /// Load the server with one scenario in one mode; print one JSON object.
    Run(run::RunArgs),
    /// The raw SQLite insert-transaction rate with wushe's connection settings.
    SqliteBaseline(baseline::BaselineArgs),
}

fn runtime(threads: usize) -> Result<tokio::runtime::Runtime, String> {
    let mut builder = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(threads);
        b
    };
    builder
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))
}

fn main() -> std::process::ExitCode {
    let outcome = match Cli::parse().command {
        Command::Setup(args) => runtime(2).and_then(|rt| rt.block_on(setup::run(args))),
        Command::Run(args) => runtime(args.threads).and_then(|rt| rt.block_on(run::run(args))),
        Command::SqliteBaseline(args) => baseline::run(&args).map(|report| println!("{report}")),
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_load: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
