//! A real SMTP server on loopback for the delivery tests: Python's aiosmtpd (installed by
//! `.ci/run`) storing every message it accepts in a Maildir. It can be stopped and started
//! again on the same port, as a mail server going down and coming back would.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct SmtpSink {
    pub port: u16,
    dir: tempfile::TempDir,
    server: Option<Child>,
}

fn aiosmtpd_installed() -> bool {
    Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success())
}

impl SmtpSink {
    /// Starts a server on a free port; `None` (a skipped test) when aiosmtpd is missing,
    /// unless `WUSHE_REQUIRE_SERVICES=1`.
    pub async fn start() -> Option<Self> {
        if !aiosmtpd_installed() {
            if std::env::var("WUSHE_REQUIRE_SERVICES").is_ok_and(|v| v == "1") {
                panic!("aiosmtpd is not installed (pip install aiosmtpd)");
            }
            eprintln!("skipped: aiosmtpd is not installed");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut sink = Self {
            port,
            dir: tempfile::tempdir().unwrap(),
            server: None,
        };
        sink.resume().await;
        Some(sink)
    }

    pub fn url(&self) -> url::Url {
        url::Url::parse(&format!("smtp://127.0.0.1:{}", self.port)).unwrap()
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("mail")
    }

    /// Starts the server (again) and waits until it accepts connections.
    pub async fn resume(&mut self) {
        assert!(self.server.is_none(), "already running");
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(self.maildir())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        self.server = Some(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("aiosmtpd did not start on port {}", self.port);
    }

    /// Stops the server: connections are refused until `resume`.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.server.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Every message received so far, as raw text.
    pub fn messages(&self) -> Vec<String> {
        let mut messages = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.maildir().join(sub)) else {
                continue;
            };
            for entry in entries {
                messages.push(std::fs::read_to_string(entry.unwrap().path()).unwrap());
            }
        }
        messages
    }

    /// The value of `header` in each message received.
    pub fn headers(&self, header: &str) -> Vec<String> {
        let prefix = format!("{}:", header.to_ascii_lowercase());
        self.messages()
            .iter()
            .filter_map(|m| {
                m.lines()
                    .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
                    .map(|l| l[prefix.len()..].trim().to_owned())
            })
            .collect()
    }
}

/// The body of a raw message, decoded from base64 or quoted-printable as its header says.
pub fn body_text(message: &str) -> String {
    use base64::Engine;
    let message = message.replace("\r\n", "\n");
    let (head, body) = message.split_once("\n\n").unwrap_or((&message, ""));
    let encoding = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-transfer-encoding:")
                .map(|v| v.trim().to_owned())
        })
        .unwrap_or_default();
    match encoding.as_str() {
        "base64" => {
            let compact: String = body.split_whitespace().collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(compact)
                .unwrap();
            String::from_utf8(bytes).unwrap()
        }
        "quoted-printable" => {
            let joined = body.replace("=\n", "");
            let mut bytes = Vec::new();
            let mut rest = joined.as_bytes();
            while let Some((&first, tail)) = rest.split_first() {
                if first == b'=' && tail.len() >= 2 {
                    let hex = std::str::from_utf8(&tail[..2]).unwrap();
                    bytes.push(u8::from_str_radix(hex, 16).unwrap());
                    rest = &tail[2..];
                } else {
                    bytes.push(first);
                    rest = tail;
                }
            }
            String::from_utf8(bytes).unwrap()
        }
        _ => body.to_owned(),
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}
