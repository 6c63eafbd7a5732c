//! `cargo xtask fuzz [TARGET...] [--seconds N] [--seed S]`: mutation fuzzing on stable Rust.
//!
//! Every decoder that reads bytes a server (or a cassette file) controls is a target
//! ([`targets::TARGETS`]): it must return (`Ok` or a typed error) for any input, never panic and
//! never take long. The engine mutates a seed corpus — the target's samples from `fixtures/`
//! plus every saved regression case — with byte flips, inserts, deletions, repeats, splices
//! and dictionary tokens, and runs each input under `catch_unwind`. A panic, or an input that
//! takes more than [`SLOW`], is written to `fixtures/fuzz/<target>/<hash>` and fails the run;
//! `cargo test -p xtask` replays those files forever after, so a fixed bug stays fixed.
//!
//! No coverage feedback (that needs nightly instrumentation), so this finds shallow bugs fast
//! and deep ones slowly; it runs in the debug profile so integer overflow panics too.

pub mod targets;

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use targets::{TARGETS, Target};

/// An input that takes longer than this is reported as a hang.
pub const SLOW: Duration = Duration::from_secs(2);

/// The largest input the engine builds (bytes).
const MAX_INPUT: usize = 64 * 1024;

/// Seed files larger than this are left out: they would make each run slow, not deeper.
const MAX_SEED: u64 = 256 * 1024;

/// Where regression cases are kept, per target.
pub fn regressions_dir(root: &Path, target: &str) -> PathBuf {
    root.join("fixtures/fuzz").join(target)
}

/// `fuzz [TARGET...] [--seconds N] [--seed S] [--list]`.
pub fn run(args: &[String], root: &Path) -> Result<(), String> {
    let mut seconds = 10u64;
    let mut seed = None;
    let mut names = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => {
                seconds = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or("--seconds needs a whole number")?;
            }
            "--seed" => {
                seed = Some(
                    it.next()
                        .and_then(|s| s.parse().ok())
                        .ok_or("--seed needs a whole number")?,
                );
            }
            "--list" => {
                for t in TARGETS {
                    println!("{:<24} {}", t.name, t.about);
                }
                return Ok(());
            }
            other if other.starts_with('-') => return Err(format!("unknown option `{other}`")),
            other => names.push(other.to_string()),
        }
    }
    let chosen: Vec<&Target> = if names.is_empty() {
        TARGETS.iter().collect()
    } else {
        names
            .iter()
            .map(|n| {
                TARGETS.iter().find(|t| t.name == n).ok_or_else(|| {
                    format!("unknown fuzz target `{n}` (see `cargo xtask fuzz --list`)")
                })
            })
            .collect::<Result<_, _>>()?
    };
    let seed = seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(1)
    });
    let mut failed = Vec::new();
    quiet_panics();
    for target in chosen {
        let corpus = corpus(root, target)?;
        let report = fuzz(target, &corpus, Duration::from_secs(seconds), seed);
        eprintln!(
            "fuzz {:<24} {:>9} inputs in {:>4.1}s from {} seeds (seed {seed}): {}",
            target.name,
            report.runs,
            report.elapsed.as_secs_f64(),
            corpus.len(),
            report
                .failure
                .as_ref()
                .map_or("ok".to_string(), |f| f.what.clone())
        );
        if let Some(f) = report.failure {
            let path = save(root, target.name, &f.input)?;
            failed.push(format!(
                "{}: {} (input saved to {})",
                target.name,
                f.what,
                path.display()
            ));
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("fuzzing found bugs:\n  {}", failed.join("\n  ")))
    }
}

/// Panics are expected while fuzzing and reported once per target: keep stderr readable.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|_| {}));
}

/// The seeds of a target: its sample files and its saved regression cases.
pub fn corpus(root: &Path, target: &Target) -> Result<Vec<Vec<u8>>, String> {
    let mut out = vec![Vec::new()];
    for pattern in target.seeds {
        let (dir, suffix) = pattern.rsplit_once('/').unwrap_or((".", pattern));
        let suffix = suffix.trim_start_matches('*');
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let small = entry.metadata().is_ok_and(|m| m.len() <= MAX_SEED);
            if small && path.to_string_lossy().ends_with(suffix) {
                let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                out.push(bytes);
            }
        }
    }
    for text in target.inline_seeds {
        out.push(text.as_bytes().to_vec());
    }
    out.extend(regressions(root, target.name)?);
    Ok(out)
}

/// The saved regression inputs of a target.
pub fn regressions(root: &Path, name: &str) -> Result<Vec<Vec<u8>>, String> {
    let dir = regressions_dir(root, name);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    paths
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display())))
        .collect()
}

fn save(root: &Path, target: &str, input: &[u8]) -> Result<PathBuf, String> {
    let dir = regressions_dir(root, target);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut h = DefaultHasher::new();
    input.hash(&mut h);
    let path = dir.join(format!("{:016x}", h.finish()));
    std::fs::write(&path, input).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// What one fuzzing run did.
#[derive(Debug)]
pub struct Report {
    /// Inputs run.
    pub runs: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// The first failure, if any.
    pub failure: Option<Failure>,
}

/// A failing input.
#[derive(Debug)]
pub struct Failure {
    /// `panic: ...` or `slow: ...`.
    pub what: String,
    /// The input.
    pub input: Vec<u8>,
}

/// Runs one input; `Err` describes a panic or a hang.
pub fn run_one(target: &Target, input: &[u8]) -> Result<(), String> {
    let start = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| (target.run)(input)));
    let took = start.elapsed();
    match outcome {
        Err(payload) => {
            let msg = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "non-string panic".into());
            Err(format!("panic: {}", msg.lines().next().unwrap_or("")))
        }
        // Linear work on a large input is not a hang: allow 2 µs per byte beyond SLOW.
        Ok(()) if took > SLOW + Duration::from_micros(2 * input.len() as u64) => Err(format!(
            "slow: {:.1}s on a {}-byte input",
            took.as_secs_f64(),
            input.len()
        )),
        Ok(()) => Ok(()),
    }
}

/// Fuzzes `target` for `budget` from `corpus`.
pub fn fuzz(target: &Target, corpus: &[Vec<u8>], budget: Duration, seed: u64) -> Report {
    let start = Instant::now();
    let mut rng = fastrand::Rng::with_seed(seed ^ hash_name(target.name));
    let mut runs = 0u64;
    for input in corpus {
        runs += 1;
        if let Err(what) = run_one(target, input) {
            return Report {
                runs,
                elapsed: start.elapsed(),
                failure: Some(Failure {
                    what,
                    input: input.clone(),
                }),
            };
        }
    }
    while start.elapsed() < budget {
        let mut input = corpus[rng.usize(..corpus.len())].clone();
        for _ in 0..rng.usize(1..=8) {
            mutate(&mut input, corpus, target.dictionary, &mut rng);
        }
        runs += 1;
        if let Err(what) = run_one(target, &input) {
            return Report {
                runs,
                elapsed: start.elapsed(),
                failure: Some(Failure { what, input }),
            };
        }
    }
    Report {
        runs,
        elapsed: start.elapsed(),
        failure: None,
    }
}

fn hash_name(name: &str) -> u64 {
    let mut h = DefaultHasher::new();
    name.hash(&mut h);
    h.finish()
}

/// One random edit, keeping the input under [`MAX_INPUT`].
fn mutate(input: &mut Vec<u8>, corpus: &[Vec<u8>], dictionary: &[&str], rng: &mut fastrand::Rng) {
    let len = input.len();
    match rng.u8(..8) {
        0 if len > 0 => {
            let i = rng.usize(..len);
            input[i] ^= 1 << rng.u8(..8);
        }
        1 if len > 0 => {
            let i = rng.usize(..len);
            input[i] = rng.u8(..);
        }
        2 if len < MAX_INPUT => {
            let i = rng.usize(..=len);
            input.insert(
                i,
                *b"\"<>{}[]:,0-9e\\&;/ \n"
                    .get(rng.usize(..19))
                    .unwrap_or(&b' '),
            );
        }
        3 if len > 0 => {
            let a = rng.usize(..len);
            let b = (a + rng.usize(1..=16)).min(len);
            input.drain(a..b);
        }
        4 if len > 0 && len < MAX_INPUT => {
            // Repeat a slice: deep nesting, long runs, many attributes.
            let a = rng.usize(..len);
            let b = (a + rng.usize(1..=64)).min(len);
            let chunk = input[a..b].to_vec();
            let times = rng.usize(1..=64);
            for _ in 0..times {
                if input.len() + chunk.len() > MAX_INPUT {
                    break;
                }
                input.splice(b..b, chunk.iter().copied());
            }
        }
        5 if !corpus.is_empty() => {
            // Splice: the head of this input, the tail of another.
            let other = &corpus[rng.usize(..corpus.len())];
            let cut = rng.usize(..=len);
            let from = rng.usize(..=other.len());
            input.truncate(cut);
            input.extend_from_slice(&other[from..]);
            input.truncate(MAX_INPUT);
        }
        6 if !dictionary.is_empty() && len < MAX_INPUT => {
            let token = dictionary[rng.usize(..dictionary.len())].as_bytes();
            let i = rng.usize(..=len);
            input.splice(i..i, token.iter().copied());
        }
        _ if len > 1 => {
            let a = rng.usize(..len);
            let b = rng.usize(..len);
            input.swap(a, b);
        }
        _ => input.push(rng.u8(..)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        crate::root()
    }

    #[test]
    fn every_seed_and_saved_regression_runs_clean() {
        // The regression suite: inputs that once crashed a decoder, kept in fixtures/fuzz.
        for target in TARGETS {
            let corpus = corpus(&root(), target).unwrap();
            assert!(corpus.len() > 1, "{} has no seeds", target.name);
            for input in &corpus {
                run_one(target, input).unwrap_or_else(|e| panic!("{}: {e}", target.name));
            }
        }
    }

    #[test]
    fn the_engine_finds_a_planted_bug_and_saves_nothing_else() {
        fn planted(input: &[u8]) {
            if input.windows(2).any(|w| w == b"}{") {
                panic!("planted");
            }
        }
        let target = Target {
            name: "planted",
            about: "test",
            seeds: &[],
            inline_seeds: &[],
            dictionary: &["}", "{"],
            run: planted,
        };
        let report = fuzz(&target, &[b"{}".to_vec()], Duration::from_secs(20), 7);
        let failure = report.failure.expect("the planted bug is found");
        assert!(
            failure.what.starts_with("panic: planted"),
            "{}",
            failure.what
        );
        assert!(failure.input.windows(2).any(|w| w == b"}{"));
    }

    #[test]
    fn names_are_unique_and_unknown_targets_refused() {
        let mut names: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TARGETS.len());
        let err = run(&["nope".into()], &root()).unwrap_err();
        assert!(err.contains("unknown fuzz target"), "{err}");
    }
}
