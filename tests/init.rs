//! `mostbook init`: a starter that passes `check --deny-warnings` and builds,
//! refuses an existing playbook and never overwrites a file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn mostbook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mostbook"))
        .args(args)
        .output()
        .expect("run mostbook")
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mostbook-init-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn starter_passes_check_and_builds_in_both_languages() {
    for (lang, file, word) in [
        ("en", "content/x/tactics/weekly-tip.md", "every Tuesday"),
        ("fr", "content/x/tactics/conseil-hebdo.md", "tous les mardis"),
    ] {
        let dir = temp(lang);
        let out = mostbook(&["init", s(&dir), "--language", lang, "--networks", "linkedin,x"]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(dir.join(file).is_file());
        assert!(dir.join("content/linkedin/mission.md").is_file());
        let yaml = std::fs::read_to_string(dir.join("playbook.yaml")).unwrap();
        assert!(yaml.contains(&format!("language: {lang}")), "{yaml}");
        assert!(yaml.contains("x: { name: X }"), "{yaml}");
        let check = mostbook(&["check", s(&dir), "--deny-warnings", "--format", "json"]);
        assert_eq!(
            check.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&check.stdout)
        );
        let json: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
        assert_eq!(json["errors"], 0);
        assert_eq!(json["warnings"], 0);
        let out_dir = dir.join("public");
        let build = mostbook(&["build", s(&dir), "--deny-warnings"]);
        assert_eq!(
            build.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&build.stderr)
        );
        let page = file.strip_prefix("content/").unwrap().replace(".md", ".html");
        let html = std::fs::read_to_string(out_dir.join(page)).unwrap();
        assert!(html.contains(word), "the schedule in words is on the tactic page");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn one_network_by_default() {
    let dir = temp("default");
    assert_eq!(mostbook(&["init", s(&dir)]).status.code(), Some(0));
    let yaml = std::fs::read_to_string(dir.join("playbook.yaml")).unwrap();
    assert!(yaml.contains("linkedin: { name: LinkedIn }"));
    assert_eq!(std::fs::read_dir(dir.join("content")).unwrap().count(), 1);
    assert!(
        std::fs::read_to_string(dir.join(".gitignore"))
            .unwrap()
            .contains("/public/")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn refuses_an_existing_playbook() {
    let dir = temp("existing");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("playbook.yaml"), "title: Mine\n").unwrap();
    let out = mostbook(&["init", s(&dir)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already holds a playbook"));
    assert_eq!(
        std::fs::read_to_string(dir.join("playbook.yaml")).unwrap(),
        "title: Mine\n"
    );
    assert!(!dir.join("content").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn never_overwrites_a_file_and_writes_nothing_then() {
    let dir = temp("clash");
    std::fs::create_dir_all(dir.join("content/linkedin/tactics")).unwrap();
    std::fs::write(dir.join("content/linkedin/tactics/weekly-tip.md"), "my notes").unwrap();
    let out = mostbook(&["init", s(&dir)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("never overwrites"));
    assert_eq!(
        std::fs::read_to_string(dir.join("content/linkedin/tactics/weekly-tip.md")).unwrap(),
        "my notes"
    );
    assert!(
        !dir.join("playbook.yaml").exists(),
        "nothing is written when one file clashes"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_usage_is_exit_2() {
    let dir = temp("usage");
    assert_eq!(
        mostbook(&["init", s(&dir), "--networks", "linked in"]).status.code(),
        Some(2)
    );
    assert_eq!(mostbook(&["init", s(&dir), "--language", "de"]).status.code(), Some(2));
    assert!(!dir.exists());
}
