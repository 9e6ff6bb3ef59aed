//! A throwaway PostgreSQL server for the test suite: its own data directory in a temp folder,
//! listening on 127.0.0.1 only, stopped when the guard drops. The suite makes hundreds of
//! databases, so the server keeps as little write-ahead log as it can: nothing here needs
//! crash safety.

use std::path::PathBuf;
use std::process::Command;

use crate::steps::{Result, run};

pub struct Server {
    bin: PathBuf,
    data: PathBuf,
    as_postgres_user: bool,
    pub url: String,
}

fn pg_bin() -> Result<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| "PostgreSQL is not installed (/usr/lib/postgresql is missing)".to_string())?
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("pg_ctl").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .ok_or_else(|| "no pg_ctl under /usr/lib/postgresql".into())
}

fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

impl Server {
    pub fn start() -> Result<Self> {
        let bin = pg_bin()?;
        let base = std::env::temp_dir().join(format!("vefa-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).map_err(|e| e.to_string())?;
        let data = base.join("data");
        // initdb refuses to run as root: run the server as the `postgres` user then.
        let as_postgres_user = running_as_root();
        if as_postgres_user {
            run(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&base))?;
        }
        let port = free_port()?;
        let server = Server {
            bin,
            data: data.clone(),
            as_postgres_user,
            url: format!("postgres://vefa@127.0.0.1:{port}/postgres"),
        };
        run(server
            .command("initdb")
            .args([
                "-A",
                "trust",
                "-U",
                "vefa",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "-D",
            ])
            .arg(&data)
            .arg("--no-sync"))?;
        let log = base.join("server.log");
        run(server
            .command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .arg("-w")
            .arg("-o")
            .arg(format!(
                "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=off -c max_connections=200 \
                 -c full_page_writes=off -c wal_level=minimal -c max_wal_senders=0 \
                 -c max_wal_size=256MB",
                base.display()
            ))
            .arg("start"))?;
        eprintln!("xtask: PostgreSQL on 127.0.0.1:{port}");
        Ok(server)
    }

    fn command(&self, tool: &str) -> Command {
        let path = self.bin.join(tool);
        if self.as_postgres_user {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "-w", "stop"])
            .status();
        if let Some(base) = self.data.parent() {
            let _ = std::fs::remove_dir_all(base);
        }
    }
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
