//! Faults the sandbox injects on request, each at its own rate: `--faults
//! "429=0.05,500=0.05,slow=0.05,timeout=0.02,malformed=0.03"`, or `all=0.2` for a fifth of all
//! calls spread over the kinds.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 429 with `Retry-After: 1`.
    TooMany,
    /// 500 with an error body.
    ServerError,
    /// The right answer, late.
    Slow,
    /// No answer: the connection is held, then dropped.
    Timeout,
    /// A 200 whose body is cut off mid-JSON.
    Malformed,
}

impl Fault {
    const ALL: [Fault; 5] = [
        Fault::TooMany,
        Fault::ServerError,
        Fault::Slow,
        Fault::Timeout,
        Fault::Malformed,
    ];

    fn name(self) -> &'static str {
        match self {
            Fault::TooMany => "429",
            Fault::ServerError => "500",
            Fault::Slow => "slow",
            Fault::Timeout => "timeout",
            Fault::Malformed => "malformed",
        }
    }
}

/// The rate of each fault, from 0 to 1; their sum is at most 1.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Faults {
    rates: [f64; 5],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "faults \"{spec}\": {reason} (expected e.g. \"429=0.05,500=0.05,slow=0.05,timeout=0.02,malformed=0.03\" or \"all=0.2\")"
)]
pub struct FaultSpecError {
    pub spec: String,
    pub reason: String,
}

impl Faults {
    pub fn none() -> Self {
        Self::default()
    }

    pub fn parse(spec: &str) -> Result<Self, FaultSpecError> {
        let err = |reason: String| FaultSpecError {
            spec: spec.to_owned(),
            reason,
        };
        let mut rates = [0.0; 5];
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, rate) = part
                .split_once('=')
                .ok_or_else(|| err(format!("\"{part}\" has no '='")))?;
            let rate: f64 = rate
                .trim()
                .parse()
                .ok()
                .filter(|r: &f64| (0.0..=1.0).contains(r))
                .ok_or_else(|| {
                    err(format!(
                        "the rate of \"{name}\" is not a number from 0 to 1"
                    ))
                })?;
            match name.trim() {
                "all" => rates = [rate / 5.0; 5],
                n => {
                    let i = Fault::ALL
                        .iter()
                        .position(|f| f.name() == n)
                        .ok_or_else(|| err(format!("there is no fault \"{n}\"")))?;
                    rates[i] = rate;
                }
            }
        }
        if rates.iter().sum::<f64>() > 1.0 + 1e-9 {
            return Err(err("the rates add up to more than 1".into()));
        }
        Ok(Self { rates })
    }

    /// The fault for a call, given a uniform draw in [0, 1).
    pub fn pick(&self, draw: f64) -> Option<Fault> {
        let mut edge = 0.0;
        for (f, r) in Fault::ALL.iter().zip(self.rates) {
            edge += r;
            if draw < edge {
                return Some(*f);
            }
        }
        None
    }
}

impl fmt::Display for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = Fault::ALL
            .iter()
            .zip(self.rates)
            .filter(|(_, r)| *r > 0.0)
            .map(|(k, r)| format!("{}={r}", k.name()))
            .collect();
        f.write_str(&parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_names_each_fault_and_its_rate() {
        let f = Faults::parse("429=0.1, malformed=0.05").unwrap();
        assert_eq!(f.pick(0.05), Some(Fault::TooMany));
        assert_eq!(f.pick(0.12), Some(Fault::Malformed));
        assert_eq!(f.pick(0.2), None);
        assert_eq!(f.to_string(), "429=0.1,malformed=0.05");
        let all = Faults::parse("all=0.2").unwrap();
        assert_eq!(all.pick(0.19), Some(Fault::Malformed));
        assert_eq!(all.pick(0.21), None);
        assert_eq!(Faults::parse("").unwrap(), Faults::none());
    }

    #[test]
    fn a_wrong_spec_says_what_is_wrong() {
        for (spec, says) in [
            ("429", "has no '='"),
            ("404=0.1", "no fault \"404\""),
            ("500=2", "from 0 to 1"),
            ("500=x", "from 0 to 1"),
            ("500=0.6,429=0.6", "more than 1"),
        ] {
            let e = Faults::parse(spec).unwrap_err();
            assert!(e.to_string().contains(says), "{spec}: {e}");
        }
    }
}
