//! `drift-check`: weekly Terraform drift detection (SWARM-OPS-002).
//!
//! ```text
//! drift-check --dir terraform/production [--terraform PATH]
//! drift-check --exit-code 2 --output plan.txt          # a saved run
//!             [--repo owner/name] [--github-api URL]
//!             [--format human|json|sarif] [--fail-on SEVERITY] [--select ID,...] [--ignore ID,...]
//! ```
//!
//! Runs (or reads) `terraform plan -detailed-exitcode`; nothing is ever
//! applied. On drift it opens (or comments on, once per ISO week) a GitHub
//! issue labelled `ops`, `drift` when `BUSFLOW_GITHUB_TOKEN` and `--repo`
//! are given, and posts to Slack when `BUSFLOW_SLACK_WEBHOOK` is set:
//! busflow-swarm's report routed through busflow-backup's notifier and issue
//! tracker, composed here so the crates stay independent. The drift is
//! reported as SWARM-OPS-002 findings, one per resource. Exit codes: 0
//! clean, 2 drift, 1 the plan failed or could not run.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/output.rs"]
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use busflow::backup::{
    GitHubIssues, HttpSettings, Notifier, Secret, SlackWebhook, UtcTime, dedup_key, file_issue,
};
use busflow::swarm::ops::{DriftReport, DriftStatus};
use clap::Parser;

/// Detect Terraform drift and route it.
///
/// Reads `BUSFLOW_GITHUB_TOKEN` (the issue) and `BUSFLOW_SLACK_WEBHOOK` (the message) from the environment; runs `terraform plan` when given `--dir`.
#[derive(Debug, Parser)]
#[command(name = "drift-check", version)]
struct Args {
    /// The Terraform root module to plan.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// The terraform binary.
    #[arg(long, default_value = "terraform")]
    terraform: PathBuf,
    /// The exit code of a saved `terraform plan -detailed-exitcode` run.
    #[arg(long, requires = "output")]
    exit_code: Option<i32>,
    /// The saved run's output.
    #[arg(long)]
    output: Option<PathBuf>,
    /// The GitHub repository for the issue (`owner/name`).
    #[arg(long)]
    repo: Option<String>,
    /// The GitHub API (https only: the token is a credential).
    #[arg(long, default_value = "https://api.github.com")]
    github_api: String,
    #[command(flatten)]
    report: output::Output,
}

async fn route(report: &DriftReport, args: &Args) -> Result<(), String> {
    let key = dedup_key("terraform-drift", UtcTime::now());
    let text = format!(
        "Terraform drift in production: {}",
        report.summary.as_deref().unwrap_or("see the plan")
    );
    if let (Some(repo), Ok(token)) = (&args.repo, std::env::var("BUSFLOW_GITHUB_TOKEN")) {
        let github = GitHubIssues::new(&args.github_api, repo, Secret::new(token))
            .map_err(|e| e.to_string())?;
        let title = format!("{key} {}", report.issue_title(&key));
        let (n, opened) = file_issue(
            &github,
            &["ops", "drift"],
            &key,
            &title,
            &report.issue_body(),
        )
        .await
        .map_err(|e| e.to_string())?;
        let verb = if opened { "opened" } else { "commented on" };
        eprintln!("drift-check: {verb} issue #{n}");
    }
    if let Ok(url) = std::env::var("BUSFLOW_SLACK_WEBHOOK") {
        SlackWebhook::new(Secret::new(url))
            .map_err(|e| e.to_string())?
            .notify(&text)
            .await
            .map_err(|e| e.to_string())?;
        eprintln!("drift-check: posted to Slack");
    }
    Ok(())
}

fn main() -> ExitCode {
    let (args, selection) = match output::parse::<Args>("drift-check", |a| &a.report) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    // A URL the token may not go to is a configuration error: refuse it
    // before planning, not after.
    if args.repo.is_some()
        && let Err(e) = HttpSettings::default().check_url(&args.github_api)
    {
        eprintln!("drift-check: error: --github-api: {e}");
        return ExitCode::from(1);
    }
    let (report, at) = match (&args.exit_code, &args.output, &args.dir) {
        (Some(code), Some(path), _) => match std::fs::read_to_string(path) {
            Ok(text) => (DriftReport::from_plan(*code, &text), path.clone()),
            Err(e) => {
                eprintln!("drift-check: error: {}: {e}", path.display());
                return ExitCode::from(1);
            }
        },
        (None, _, Some(dir)) => match DriftReport::run(&args.terraform, dir) {
            Ok(r) => (r, dir.clone()),
            Err(e) => {
                eprintln!("drift-check: error: {e}");
                return ExitCode::from(1);
            }
        },
        _ => {
            eprintln!("drift-check: error: give --dir, or --exit-code with --output");
            return ExitCode::from(1);
        }
    };
    match report.status {
        DriftStatus::Clean => eprintln!(
            "drift-check: no drift: {}",
            report.summary.as_deref().unwrap_or("the plan is empty")
        ),
        DriftStatus::Failed => {
            eprintln!("drift-check: the plan failed: {}", report.errors.join("; "));
            return ExitCode::from(1);
        }
        DriftStatus::Drift => {
            eprintln!(
                "drift-check: drift: {}",
                report.summary.as_deref().unwrap_or("changes pending")
            );
            let routed = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
                .and_then(|rt| rt.block_on(route(&report, &args)));
            if let Err(e) = routed {
                eprintln!("drift-check: routing failed: {e}");
            }
        }
    }
    args.report.finish(report.findings(&at), &selection)
}
