//! Progress while a run goes: an indicatif bar on a terminal (stderr), plain lines
//! otherwise (CI logs, pipes).

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

/// Where progress goes.
pub struct Progress {
    bar: Option<ProgressBar>,
    quiet: bool,
    on_step: Option<StepHook>,
}

/// Called after each step with (journey, step, status).
pub type StepHook = Box<dyn Fn(&str, &str, &str) + Send + Sync>;

impl Progress {
    /// Progress over `steps` steps: a bar when stderr is a terminal, else plain lines.
    pub fn new(steps: u64) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = ProgressBar::new(steps);
            b.set_style(
                ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} steps {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b
        });
        Progress { bar, quiet: false, on_step: None }
    }

    /// Plain lines on stderr, never a bar (the manual driver writes to the terminal itself).
    pub fn lines() -> Progress {
        Progress { bar: None, quiet: false, on_step: None }
    }

    /// No output at all (library use, tests).
    pub fn hidden() -> Progress {
        Progress { bar: None, quiet: true, on_step: None }
    }

    /// Also call `hook` after each step (e.g. to interrupt a run at a chosen point, or to
    /// feed another display).
    pub fn on_step(mut self, hook: impl Fn(&str, &str, &str) + Send + Sync + 'static) -> Progress {
        self.on_step = Some(Box::new(hook));
        self
    }

    /// A step finished.
    pub fn step(&self, journey: &str, step: &str, status: &str) {
        if let Some(h) = &self.on_step {
            h(journey, step, status);
        }
        match &self.bar {
            Some(b) => {
                b.set_message(format!("{journey} / {step}: {status}"));
                b.inc(1);
            }
            None if !self.quiet => eprintln!("certify: {journey} / {step}: {status}"),
            None => {}
        }
    }

    /// A line for people (journey starts and ends, notes).
    pub fn line(&self, text: &str) {
        match &self.bar {
            Some(b) => b.println(text),
            None if !self.quiet => eprintln!("certify: {text}"),
            None => {}
        }
    }

    /// Skip `n` steps (a journey already judged, on resume).
    pub fn skip(&self, n: u64) {
        if let Some(b) = &self.bar {
            b.inc(n);
        }
    }

    /// Done.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
