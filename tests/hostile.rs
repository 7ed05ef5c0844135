//! Hostile files produce diagnostics, never a crash (exit 101), a hang or a blow-up.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn mostbook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mostbook"))
        .args(args)
        .output()
        .expect("run mostbook")
}

/// A sound one-network playbook plus `extra` files, in a fresh temp folder.
fn playbook(name: &str, extra: &[(&str, Vec<u8>)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mostbook-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("playbook.yaml", b"title: T\nnetworks:\n  li: { name: LinkedIn }\n".to_vec()),
        ("content/li/mission.md", b"---\nstep: mission\ntitle: M\n---\nWhy.\n".to_vec()),
        (
            "content/li/objectives/o.md",
            b"---\nstep: objective\ntitle: O\nserves: li/mission\nmetric: m\nbaseline: 10\ntarget: 20\ncurrent: 15\nstart: 2027-01-01\ndue: 2027-12-31\nowner: A\n---\nWhat.\n".to_vec(),
        ),
        ("content/li/strategies/s.md", b"---\nstep: strategy\ntitle: S\nserves: o\n---\nHow.\n".to_vec()),
        (
            "content/li/tactics/t.md",
            b"---\nstep: tactic\ntitle: T\nserves: s\nformats: [text]\nschedule: { days: [tue], time: \"09:00\" }\n---\nWhen.\n".to_vec(),
        ),
    ];
    for (p, bytes) in files.iter().chain(extra.iter()) {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
    }
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs check (JSON) and build; returns the rules reported. Neither may crash.
fn run(dir: &Path) -> Vec<(String, String, u64)> {
    let out = mostbook(&["check", s(dir), "--format", "json", "--today", "2027-03-15"]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "check crashed: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("check prints JSON");
    let build = mostbook(&["build", s(dir), "-o", s(&dir.join("public")), "--today", "2027-03-15"]);
    assert!(
        matches!(build.status.code(), Some(0 | 1)),
        "build crashed: {:?}\n{}",
        build.status,
        String::from_utf8_lossy(&build.stderr)
    );
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["file"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn empty_and_binary_files() {
    let mut binary: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    binary[0] = 0;
    let dir = playbook(
        "bin",
        &[
            ("content/empty.md", Vec::new()),
            ("content/blob.md", binary),
            ("content/nul.md", b"---\nstep: mission\0\n---\n".to_vec()),
        ],
    );
    let rules = run(&dir);
    assert!(
        rules.contains(&("missing-front-matter".into(), "content/empty.md".into(), 1)),
        "{rules:?}"
    );
    assert!(
        rules
            .iter()
            .any(|r| r.1 == "content/blob.md" && (r.0 == "invalid-encoding" || r.0 == "missing-front-matter")),
        "{rules:?}"
    );
    assert!(rules.iter().any(|r| r.1 == "content/nul.md"), "{rules:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn yaml_alias_bomb_is_a_diagnostic() {
    let mut fm = String::from("---\nstep: mission\ntitle: Bomb\nextra:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        fm.push_str(&format!(
            "  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    fm.push_str("---\nBoom.\n");
    let dir = playbook("bomb", &[("content/bomb.md", fm.into_bytes())]);
    let rules = run(&dir);
    assert!(
        rules.iter().any(|r| r.0 == "yaml-syntax" && r.1 == "content/bomb.md"),
        "{rules:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn two_hundred_thousand_deep_nesting() {
    let flow = format!("---\nstep: mission\ntitle: Deep\nextra: {}\n---\n", "[".repeat(200_000));
    let block = format!(
        "---\nstep: mission\ntitle: Deep\nextra:\n{}x\n---\n",
        "- ".repeat(200_000)
    );
    let quotes = format!("---\nstep: mission\ntitle: Quotes\n---\n{}deep\n", "> ".repeat(200_000));
    let lists = format!(
        "---\nstep: mission\ntitle: Lists\n---\n{}deep\n",
        (0..2_000)
            .map(|i| format!("{}- x\n", "  ".repeat(i)))
            .collect::<String>()
    );
    let html = format!(
        "---\nstep: mission\ntitle: Divs\n---\n{}deep{}\n",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    let dir = playbook(
        "deep",
        &[
            ("content/flow.md", flow.into_bytes()),
            ("content/block.md", block.into_bytes()),
            ("content/quotes.md", quotes.into_bytes()),
            ("content/lists.md", lists.into_bytes()),
            ("content/divs.md", html.into_bytes()),
        ],
    );
    let rules = run(&dir);
    assert!(
        rules.iter().any(|r| r.0 == "yaml-syntax" && r.1 == "content/flow.md"),
        "{rules:?}"
    );
    assert!(
        rules.iter().any(|r| r.0 == "yaml-syntax" && r.1 == "content/block.md"),
        "{rules:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn twenty_megabyte_body_builds() {
    let mut body = String::from("---\nstep: mission\ntitle: Big\n---\n");
    let para = "Un paragraphe assez long, avec des **mots en gras** et un [lien](https://example.org).\n\n";
    while body.len() < 20 * 1024 * 1024 {
        body.push_str(para);
    }
    let dir = playbook("big", &[("content/big.md", body.into_bytes())]);
    let rules = run(&dir);
    // A mission nothing serves yet: a dead end, and nothing else.
    assert_eq!(rules, [("dead-end".to_owned(), "content/big.md".to_owned(), 2)]);
    assert!(dir.join("public/big.html").metadata().unwrap().len() > 20 * 1024 * 1024);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_skipped() {
    let dir = playbook("loop", &[]);
    std::os::unix::fs::symlink(dir.join("content"), dir.join("content/li/loop")).unwrap();
    std::os::unix::fs::symlink("self", dir.join("content/self")).unwrap();
    let rules = run(&dir);
    assert!(rules.is_empty(), "{rules:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
