//! The command-line interface: parses arguments, loads the spec from disk,
//! runs the pipeline, reports diagnostics and writes or compares the output.
//! Exit codes: 0 success, 1 spec errors or drift, 2 usage or I/O errors.

mod diff;
mod fmt;
mod import;
mod load;
mod output;
mod promote;
mod record;
pub mod report;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diag::{Code, Diagnostic, suggest};
use report::{Format, Reporter};

#[derive(Debug, Parser)]
#[command(
    name = "envspec",
    version,
    about = "Type-check a platform spec and compile it to Helmsman desired state and Helm values",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// How to print diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// When to colour output (NO_COLOR is honoured by `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
struct SpecArgs {
    /// The spec directory: every non-hidden `*.env` file below it.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// The output directory [default: DIR/out].
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Only these environments (repeatable) [default: all].
    #[arg(long = "env", value_name = "NAME")]
    envs: Vec<String>,
    /// Fail when there are warnings.
    #[arg(long)]
    deny_warnings: bool,
    /// Compile and compare in full even when the build record shows OUT up
    /// to date; `build` then keeps no record.
    #[arg(long)]
    no_cache: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compile the spec and write OUT/<env>/helmsman.yaml and OUT/<env>/values/<app>.yaml.
    Build(SpecArgs),
    /// Compile the spec and compare with OUT; print a diff and exit 1 on drift.
    Check(SpecArgs),
    /// Rewrite the spec so that TO runs FROM's releases (a declared promotion step).
    Promote {
        /// The upstream environment.
        from: String,
        /// The environment to promote into.
        to: String,
        /// Only these apps (repeatable) [default: all].
        #[arg(long = "app", value_name = "APP")]
        apps: Vec<String>,
        /// Show the diff and the summary, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The spec directory.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Show what promoting FROM to TO would change, and who may do it.
    Plan {
        from: String,
        to: String,
        /// Only these apps (repeatable) [default: all].
        #[arg(long = "app", value_name = "APP")]
        apps: Vec<String>,
        /// The spec directory.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// In CI: fail unless every change to protected environments since BASE is promotion or a hotfix.
    VerifyPromotion {
        /// The spec before the change: a directory, or a git revision (read with `git`).
        #[arg(long, value_name = "DIR_OR_REV")]
        base: String,
        /// The spec directory.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// What differs between two environments, per app and field.
    Diff {
        /// The first environment.
        a: String,
        /// The second environment.
        b: String,
        /// Only these apps (repeatable) [default: all].
        #[arg(long = "app", value_name = "APP")]
        apps: Vec<String>,
        /// The spec directory.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), for `man -l -` or installing as envspec.1.
    Man,
    /// Rewrite `.env` files in canonical layout (comments kept); --check only reports.
    Fmt(fmt::FmtArgs),
    /// Turn Helmsman desired-state files and their values files into a spec.
    Import(import::ImportArgs),
    /// Print the long explanation of a diagnostic code, or list every code.
    Explain {
        /// A code such as E0303; omit to list all codes.
        code: Option<String>,
    },
    /// Run the language server on standard input and output (for editors).
    Lsp {
        /// Accepted for editors that pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
}

/// Runs the command line; the process exit code is returned.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // `--help`, `--version`, and the overview when no command is given.
        Err(error)
            if !error.use_stderr()
                || error.kind()
                    == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
        Err(error) => {
            // The arguments did not parse, so `--format` and `--color` are
            // read as well as they can be.
            let format = option_in_arguments("--format").unwrap_or(Format::Human);
            let color = option_in_arguments("--color").unwrap_or(ColorChoice::Auto);
            let reporter = Reporter::new(format, use_color(color));
            return ExitCode::from(fail(&reporter, command_line_error(&error)));
        }
    };
    let reporter = Reporter::new(cli.format, use_color(cli.color));
    let code = match cli.command {
        Command::Build(args) => run_spec(&args, &reporter, Mode::Build),
        Command::Check(args) => run_spec(&args, &reporter, Mode::Check),
        Command::Promote {
            from,
            to,
            apps,
            dry_run,
            dir,
        } => promote::promote(&dir, &from, &to, &apps, dry_run, &reporter),
        Command::Plan {
            from,
            to,
            apps,
            dir,
        } => promote::plan(&dir, &from, &to, &apps, &reporter, cli.format),
        Command::VerifyPromotion { base, dir } => {
            promote::verify_promotion(&dir, &base, &reporter, cli.format)
        }
        Command::Diff { a, b, apps, dir } => diff::diff(&dir, &a, &b, &apps, &reporter, cli.format),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "envspec",
                &mut script,
            );
            report::stdout(&String::from_utf8_lossy(&script));
            0
        }
        Command::Man => {
            let mut page = Vec::new();
            match clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut page)
            {
                Ok(()) => {
                    report::stdout(&String::from_utf8_lossy(&page));
                    0
                }
                Err(error) => fail(
                    &reporter,
                    Diagnostic::new(
                        Code::E0602,
                        format!("cannot render the manual page: {error}"),
                    ),
                ),
            }
        }
        Command::Fmt(args) => fmt::run(&args, &reporter, cli.format, load::load_spec),
        Command::Explain { code } => explain(code.as_deref(), &reporter),
        Command::Lsp { stdio: _ } => crate::lsp::run(),
        Command::Import(args) => import::run(&args, &reporter),
    };
    ExitCode::from(if report::stdout_failed() { 2 } else { code })
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::IsTerminal::is_terminal(&std::io::stderr())
        }
    }
}

/// The value of a global option (`--format json`, `--format=json`) in
/// arguments that clap refused; `None` when absent or not a valid value.
fn option_in_arguments<T: ValueEnum>(option: &str) -> Option<T> {
    // Lossy: an argument that is not UTF-8 may be what clap refused.
    let arguments: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .take_while(|a| a != "--")
        .collect();
    let value = arguments.iter().enumerate().rev().find_map(|(i, a)| {
        if a == option {
            arguments.get(i + 1).map(String::as_str)
        } else {
            a.strip_prefix(option)?.strip_prefix('=')
        }
    })?;
    T::from_str(value, false).ok()
}

/// clap's own account of what is wrong, as a diagnostic: its first line is
/// the message; its tips and the usage line are the help.
fn command_line_error(error: &clap::Error) -> Diagnostic {
    let text = error.render().to_string();
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("For more information"));
    let first = lines.next().unwrap_or("the arguments could not be read");
    let message = first.strip_prefix("error: ").unwrap_or(first);
    let help: Vec<String> = lines
        .map(|l| match l.strip_prefix("tip: ") {
            Some(tip) => tip.to_string(),
            None => match l.strip_prefix("Usage: ") {
                Some(usage) => format!("usage: {usage} (see --help)"),
                None => l.trim_start_matches('[').trim_end_matches(']').to_string(),
            },
        })
        .collect();
    let diagnostic = Diagnostic::new(Code::E0607, message);
    if help.is_empty() {
        diagnostic.help("see `envspec --help`")
    } else {
        diagnostic.help(help.join("\n"))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Build,
    Check,
}

fn run_spec(args: &SpecArgs, reporter: &Reporter, mode: Mode) -> u8 {
    let reporter = &reporter.for_spec(&args.dir);
    let nothing = match mode {
        Mode::Build => "nothing written",
        Mode::Check => "nothing compared",
    };
    let sources = match load::load_spec(&args.dir) {
        Ok(sources) => sources,
        Err(diagnostic) => return fail(reporter, diagnostic),
    };
    let out = args.output.clone().unwrap_or_else(|| args.dir.join("out"));
    let key = if args.no_cache {
        None
    } else {
        record::Key::new(&args.dir, &sources, &args.envs)
    };
    if let Some(key) = &key {
        match output::read_locked(&out, || record::verify(key, &out, output::TOP_LEVEL)) {
            Ok(Some(up_to_date)) => return report_recorded(reporter, mode, &out, &up_to_date),
            Ok(None) => {}
            Err(diagnostic) => return fail(reporter, diagnostic),
        }
    }
    let (model, mut diagnostics) = crate::compile(&sources);
    if let Some(model) = &model {
        diagnostics.extend(crate::chart_schema::check(&args.dir, model));
        crate::diag::sort(&mut diagnostics);
    }
    reporter.report(&sources, &diagnostics);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let Some(model) = model.filter(|_| errors == 0) else {
        reporter.summary(&format!(
            "{} in `{}`; {nothing}",
            count(errors, warnings),
            args.dir.display()
        ));
        return 1;
    };
    if args.deny_warnings && warnings > 0 {
        reporter.summary(&format!(
            "{} denied by --deny-warnings; {nothing}",
            plural(warnings, "warning")
        ));
        return 1;
    }
    for env in &args.envs {
        if !model.environments.iter().any(|e| &e.name == env) {
            let names: Vec<&str> = model.environments.iter().map(|e| e.name.as_str()).collect();
            let hint = suggest::help_for(env, names.iter().copied())
                .unwrap_or_else(|| format!("the environments are {}", names.join(", ")));
            return fail(
                reporter,
                Diagnostic::new(Code::E0605, format!("--env {env}: no such environment"))
                    .help(hint),
            );
        }
    }
    let scope = output::Scope {
        environments: model.environments.iter().map(|e| e.name.clone()).collect(),
        selected: args.envs.clone(),
    };
    let inputs = crate::chart_schema::input_files(&args.dir, &model);
    // Only the text is needed from here on: the model is freed as it is rendered.
    let files = crate::emit::into_text(model, &args.envs);
    let save_record = || {
        if let Some(key) = key.as_ref().filter(|_| diagnostics.is_empty()) {
            let built = record::Built {
                files: &files,
                environments: &scope.environments,
                written: &scope.written_environments(),
                inputs: &inputs,
            };
            record::save(key, &out, &built);
        }
    };
    let result = match mode {
        Mode::Build => {
            record::forget(&out);
            output::write(&out, &files, &scope, save_record)
        }
        .map(|written| {
            let files = match written.files_written {
                n if n == files.len() => plural(n, "file"),
                n => format!("{n} of {}", plural(files.len(), "file")),
            };
            let mut summary = format!(
                "{} changed, {} unchanged",
                written.environments_changed, written.environments_unchanged
            );
            if !written.stale_removed.is_empty() {
                summary.push_str(&format!(
                    ", removed stale {}",
                    written.stale_removed.join(", ")
                ));
            }
            reporter.summary(&format!(
                "wrote {files} for {} to `{}` ({summary})",
                plural(scope.written_environments().len(), "environment"),
                out.display(),
            ));
            0
        }),
        Mode::Check => output::compare(&out, &files, &scope).map(|drift| {
            if drift.is_empty() {
                reporter.summary(&format!(
                    "`{}` is up to date ({})",
                    out.display(),
                    plural(files.len(), "file")
                ));
                return 0;
            }
            reporter.drift(&drift, &out);
            reporter.summary(&format!(
                "`{}` has drifted: {}; run `envspec build` to update it",
                out.display(),
                drift.describe()
            ));
            1
        }),
    };
    result.unwrap_or_else(|diagnostic| fail(reporter, diagnostic))
}

/// The summary of a run that the build record showed to have nothing to do.
fn report_recorded(
    reporter: &Reporter,
    mode: Mode,
    out: &std::path::Path,
    up_to_date: &record::UpToDate,
) -> u8 {
    let files = plural(up_to_date.files, "file");
    reporter.summary(&match mode {
        Mode::Build => format!(
            "wrote 0 of {files} for {} to `{}` (unchanged since the last build)",
            plural(up_to_date.environments, "environment"),
            out.display()
        ),
        Mode::Check => format!(
            "`{}` is up to date ({files}, unchanged since the last build)",
            out.display()
        ),
    });
    0
}

/// Reports an error that stops the command (an E06 code: a file that cannot
/// be read or written, a name the spec lacks) and gives its exit code, 2.
pub(crate) fn fail(reporter: &Reporter, diagnostic: Diagnostic) -> u8 {
    reporter.report(&crate::source::Sources::new(), &[diagnostic]);
    2
}

pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn count(errors: usize, warnings: usize) -> String {
    match warnings {
        0 => plural(errors, "error"),
        _ => format!(
            "{} and {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        ),
    }
}

fn explain(code: Option<&str>, reporter: &Reporter) -> u8 {
    let Some(text) = code else {
        for code in Code::ALL {
            report::stdout(&format!("{code}  {}\n", code.title()));
        }
        return 0;
    };
    match Code::parse(text) {
        Some(code) => {
            report::stdout(code.explanation());
            0
        }
        None => {
            let hint = suggest::help_for(
                &text.to_ascii_uppercase(),
                Code::ALL.iter().map(|c| c.as_str()),
            )
            .unwrap_or_else(|| "run `envspec explain` to list every code".into());
            fail(
                reporter,
                Diagnostic::new(Code::E0605, format!("`{text}` is not a diagnostic code"))
                    .help(hint),
            )
        }
    }
}
