//! Signing and hashing keys: taken from the environment, or in development generated once and
//! kept in the data directory so tokens survive restarts.

use super::Mode;
use rand::RngCore;
use std::path::Path;

pub const MIN_SECRET_BYTES: usize = 32;

/// A key is weak when it is short or made of few distinct characters ("aaaa…", "1234…").
pub fn is_weak(secret: &[u8]) -> bool {
    let mut distinct: Vec<u8> = secret.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    secret.len() < MIN_SECRET_BYTES || distinct.len() < 10
}

pub fn resolve(
    env: &str,
    given: Option<&str>,
    mode: Mode,
    dev_file: &Path,
    problems: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> Vec<u8> {
    if let Some(secret) = given {
        let secret = secret.trim().as_bytes().to_vec();
        if is_weak(&secret) {
            let why = format!(
                "{env} is weak: use at least {MIN_SECRET_BYTES} random bytes (e.g. `openssl rand -hex 32`)"
            );
            match mode {
                Mode::Production => problems.push(why),
                Mode::Development => warnings.push(why),
            }
        }
        return secret;
    }
    if mode == Mode::Production {
        problems.push(format!("{env} is required in production mode"));
        return Vec::new();
    }
    match load_or_create(dev_file) {
        Ok(secret) => {
            warnings.push(format!(
                "{env} is not set; using the development key in {} (set it in production)",
                dev_file.display()
            ));
            secret
        }
        Err(e) => {
            problems.push(format!(
                "{env}: cannot keep a development key in {}: {e}",
                dev_file.display()
            ));
            Vec::new()
        }
    }
}

fn load_or_create(path: &Path) -> std::io::Result<Vec<u8>> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let existing = existing.trim();
        if !existing.is_empty() {
            return Ok(existing.as_bytes().to_vec());
        }
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    write_private(path, &secret)?;
    Ok(secret.into_bytes())
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}
