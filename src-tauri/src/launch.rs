//! Where the app finds its store: `--db URL` / `VEFA_DATABASE_URL`, else `--data-dir DIR` /
//! `VEFA_DATA_DIR`, else the platform data directory.

use std::path::PathBuf;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub db: Option<String>,
    pub data_dir: Option<PathBuf>,
}

impl Options {
    pub fn from_args(args: impl Iterator<Item = String>) -> Self {
        let mut o = Options {
            db: std::env::var("VEFA_DATABASE_URL")
                .ok()
                .filter(|s| !s.is_empty()),
            data_dir: std::env::var_os("VEFA_DATA_DIR").map(PathBuf::from),
        };
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) => (f.to_owned(), Some(v.to_owned())),
                None => (arg.clone(), None),
            };
            let mut value = || inline.clone().or_else(|| args.next());
            match flag.as_str() {
                "--db" => o.db = value(),
                "--data-dir" => o.data_dir = value().map(PathBuf::from),
                _ => {}
            }
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_flag_forms() {
        let o = Options::from_args(
            ["--data-dir", "/tmp/x y", "--db=postgres://h/v"]
                .map(String::from)
                .into_iter(),
        );
        assert_eq!(o.data_dir, Some(PathBuf::from("/tmp/x y")));
        assert_eq!(o.db.as_deref(), Some("postgres://h/v"));
    }
}
