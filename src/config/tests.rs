use super::*;

const KEY: &str = "0123456789abcdef0123456789abcdef";

fn load(pairs: &[(&str, &str)]) -> Result<Config, String> {
    Config::load(&Sources::from_pairs(pairs.iter().copied()))
}

#[test]
fn production_refuses_missing_and_weak_secrets() {
    let err = load(&[("WUSHE_ENV", "production")]).unwrap_err();
    assert!(err.contains("WUSHE_JWT_SECRET is required"), "{err}");
    assert!(err.contains("WUSHE_ID_HASH_KEY is required"), "{err}");
    let weak = "a".repeat(40);
    let err = load(&[
        ("WUSHE_ENV", "production"),
        ("WUSHE_JWT_SECRET", &weak),
        ("WUSHE_ID_HASH_KEY", KEY),
    ])
    .unwrap_err();
    assert!(err.contains("WUSHE_JWT_SECRET is weak"), "{err}");
}

#[test]
fn reports_every_bad_setting_at_once() {
    let err = load(&[
        ("WUSHE_JWT_SECRET", KEY),
        ("WUSHE_ID_HASH_KEY", KEY),
        ("WUSHE_BIND", "nowhere"),
        ("DATABASE_URL", "mysql://x"),
        ("WUSHE_BODY_LIMIT", "ten"),
    ])
    .unwrap_err();
    for name in ["WUSHE_BIND", "DATABASE_URL", "WUSHE_BODY_LIMIT"] {
        assert!(err.contains(name), "{name} missing from {err}");
    }
}

#[test]
fn defaults_to_sqlite_in_the_data_dir() {
    let config = load(&[
        ("WUSHE_JWT_SECRET", KEY),
        ("WUSHE_ID_HASH_KEY", KEY),
        ("WUSHE_DATA_DIR", "/srv/w"),
    ])
    .unwrap();
    assert_eq!(
        config.database,
        DatabaseTarget::Sqlite("/srv/w/wushe.db".into())
    );
    assert_eq!(config.body_limit, 1 << 20);
    assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
}

#[test]
fn toml_file_is_overridden_by_the_environment() {
    let mut sources = Sources::from_toml("bind = \"0.0.0.0:9000\"\ncors_origins = [\"https://a.example\", \"https://b.example\"]\njwt_secret = \"0123456789abcdef0123456789abcdef\"\nid_hash_key = \"0123456789abcdef0123456789abcdef\"").unwrap();
    sources
        .values
        .insert("WUSHE_BIND".into(), "127.0.0.1:7000".into());
    let config = Config::load(&sources).unwrap();
    assert_eq!(config.bind.to_string(), "127.0.0.1:7000");
    assert_eq!(
        config.cors_origins,
        ["https://a.example", "https://b.example"]
    );
    assert!(Sources::from_toml("no_such_setting = 1").is_err());
}

#[test]
fn development_generates_and_keeps_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let dir_text = dir.path().to_str().unwrap();
    let first = load(&[("WUSHE_DATA_DIR", dir_text)]).unwrap();
    let second = load(&[("WUSHE_DATA_DIR", dir_text)]).unwrap();
    assert_eq!(first.jwt_secret, second.jwt_secret);
    assert!(!secrets::is_weak(&first.jwt_secret));
    assert!(
        first
            .warnings
            .iter()
            .any(|w| w.contains("WUSHE_JWT_SECRET"))
    );
}

#[test]
fn readme_documents_every_setting_with_its_default() {
    let readme = include_str!("../../README.md");
    for setting in SETTINGS {
        let row = readme
            .lines()
            .find(|line| line.starts_with(&format!("| `{}` |", setting.env)))
            .unwrap_or_else(|| panic!("README has no configuration row for {}", setting.env));
        assert!(
            row.contains(setting.default),
            "README row for {} does not give the default {:?}: {row}",
            setting.env,
            setting.default
        );
    }
}
