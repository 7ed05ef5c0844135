//! `mostbook init`: a small starter playbook, in English or French, that passes
//! `check --deny-warnings` and builds. Refuses a folder that already holds a
//! playbook and never overwrites a file.

use crate::load::config::valid_network_id;
use crate::model::Language;
use jiff::civil::Date;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum InitError {
    Refused(String),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for InitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InitError::Refused(why) => f.write_str(why),
            InitError::Io(p, e) => write!(f, "cannot write `{}`: {e}", p.display()),
        }
    }
}

/// The display name of a well-known network.
fn network_name(id: &str) -> String {
    match id {
        "linkedin" => "LinkedIn".to_owned(),
        "x" => "X".to_owned(),
        "facebook" => "Facebook".to_owned(),
        "instagram" => "Instagram".to_owned(),
        "tiktok" => "TikTok".to_owned(),
        "youtube" => "YouTube".to_owned(),
        "bluesky" => "Bluesky".to_owned(),
        "mastodon" => "Mastodon".to_owned(),
        "threads" => "Threads".to_owned(),
        "pinterest" => "Pinterest".to_owned(),
        other => {
            let mut c = other.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
    }
}

/// The files of the starter, by path relative to the playbook folder.
pub fn files(lang: Language, networks: &[String], today: Date) -> Vec<(String, String)> {
    let due = today.checked_add(jiff::Span::new().months(6)).unwrap_or(today);
    let day = "tue";
    let fr = lang == Language::Fr;
    let mut out = vec![(
        ".gitignore".to_owned(),
        if fr {
            "# Le site généré par `mostbook build`\n/public/\n"
        } else {
            "# The site `mostbook build` writes\n/public/\n"
        }
        .to_owned(),
    )];
    let nets: String = networks
        .iter()
        .map(|n| format!("  {n}: {{ name: {} }}\n", network_name(n)))
        .collect();
    out.push((
        "playbook.yaml".to_owned(),
        if fr {
            format!(
                "# Réglages du playbook. Voir la documentation de mostbook pour chaque champ.\n\
                 title: Mon plan réseaux sociaux      # obligatoire : le titre du site\n\
                 description: |                      # facultatif, en Markdown\n\
                 \x20 Notre plan de communication sur les réseaux sociaux, avec la méthode **MOST** :\n\
                 \x20 Mission, Objectifs (SMART), Stratégies, Tactiques.\n\
                 language: fr                        # langue de l'interface : fr ou en\n\
                 timezone: Europe/Paris              # les heures des tactiques sont dans ce fuseau\n\
                 # base_url: https://exemple.fr/plan/  # seulement pour sitemap.xml, calendar.ics et les liens canoniques\n\
                 networks:                           # un dossier content/<id>/ par réseau\n{nets}"
            )
        } else {
            format!(
                "# Playbook settings. See mostbook's documentation for every field.\n\
                 title: My social media plan         # required: the site's title\n\
                 description: |                      # optional, Markdown\n\
                 \x20 Our social media plan, written with the **MOST** method:\n\
                 \x20 Mission, Objectives (SMART), Strategies, Tactics.\n\
                 language: en                        # interface language: en or fr\n\
                 timezone: UTC                       # tactic times are local to this zone (e.g. Europe/London)\n\
                 # base_url: https://example.org/plan/  # only for sitemap.xml, calendar.ics and canonical links\n\
                 networks:                           # one folder content/<id>/ per network\n{nets}"
            )
        },
    ));
    for n in networks {
        let name = network_name(n);
        // `serves:` values padded so that the comments line up with the others.
        let pad = |v: String| format!("{v:<27} ");
        let sm = pad(format!("{n}/mission"));
        let (so, ss) = if fr {
            (
                pad(format!("{n}/objectives/abonnes")),
                pad(format!("{n}/strategies/savoir-faire")),
            )
        } else {
            (
                pad(format!("{n}/objectives/followers")),
                pad(format!("{n}/strategies/know-how")),
            )
        };
        let (mission, objective, strategy, tactic) = if fr {
            (
                format!(
                    "---\n\
                     # Étape 1 — la Mission : pourquoi sommes-nous sur {name} ?\n\
                     step: mission\n\
                     title: Pourquoi nous sommes sur {name}\n\
                     audience: [nos clients idéaux]      # qui nous visons ici\n\
                     audience_active: true               # notre cible est-elle active sur ce réseau ?\n\
                     audience_habits: [share, opinion]   # ce qu'ils y font : post, share, opinion, sell\n\
                     competitors: []                     # concurrents présents : noms ou {{ name, url, active }}\n\
                     partners: []                        # partenaires présents\n\
                     ---\n\
                     Décrivez ici la vision à long terme : qui nous voulons toucher sur {name}, ce que\n\
                     ces personnes y font, et ce que font nos concurrents et partenaires.\n"
                ),
                format!(
                    "---\n\
                     # Étape 2 — un Objectif SMART qui sert la mission.\n\
                     step: objective\n\
                     title: Gagner 50 abonnés qualifiés sur {name}\n\
                     serves: {sm}# l'élément servi, un niveau au-dessus\n\
                     category: community                 # brand, event, sales, leads, traffic, engagement, community, other\n\
                     metric: abonnés                     # Mesurable : ce que l'on compte\n\
                     unit: abonnés\n\
                     baseline: 100                       # la valeur au départ\n\
                     target: 150                         # Atteignable : ni égale au départ, ni dix fois plus\n\
                     current: 100                        # la dernière mesure\n\
                     start: {today}\n\
                     due: {due}                          # Temporellement défini\n\
                     owner: À compléter                  # Réaliste : qui en répond\n\
                     ---\n\
                     Spécifique : dites précisément ce qu'il faut atteindre, pour qui et pourquoi.\n"
                ),
                format!(
                    "---\n\
                     # Étape 3 — une Stratégie : le plan pour atteindre l'objectif.\n\
                     step: strategy\n\
                     title: Partager notre savoir-faire\n\
                     serves: {so}# un objectif\n\
                     paid: false                         # repose-t-elle sur de la publicité payante ?\n\
                     ---\n\
                     Décrivez le plan : quels contenus, pour mener qui vers quoi.\n"
                ),
                format!(
                    "---\n\
                     # Étape 4 — une Tactique : l'outil concret, son format et son rythme.\n\
                     step: tactic\n\
                     title: Un conseil chaque semaine\n\
                     serves: {ss}# une stratégie\n\
                     formats: [text, photo]              # text, photo, video, carousel, story, reel, live, poll, article, link, event, other\n\
                     schedule:\n\
                     \x20 every: week                       # day, week ou month\n\
                     \x20 days: [{day}]                       # mon … sun\n\
                     \x20 time: \"09:30\"                     # heure locale du fuseau du playbook\n\
                     ---\n\
                     Quel contenu, pour quelle cible, à quel moment — et pourquoi ce créneau.\n"
                ),
            )
        } else {
            (
                format!(
                    "---\n\
                     # Step 1 — the Mission: why are we on {name}?\n\
                     step: mission\n\
                     title: Why we are on {name}\n\
                     audience: [our ideal clients]       # who we target here\n\
                     audience_active: true               # is our main target active on this network?\n\
                     audience_habits: [share, opinion]   # what they do here: post, share, opinion, sell\n\
                     competitors: []                     # competitors present: names or {{ name, url, active }}\n\
                     partners: []                        # partners present\n\
                     ---\n\
                     Describe the long-term vision: who we want to reach on {name}, what they do\n\
                     there, and what our competitors and partners do.\n"
                ),
                format!(
                    "---\n\
                     # Step 2 — a SMART Objective that serves the mission.\n\
                     step: objective\n\
                     title: Gain 50 qualified followers on {name}\n\
                     serves: {sm}# the element served, one level up\n\
                     category: community                 # brand, event, sales, leads, traffic, engagement, community, other\n\
                     metric: followers                   # Measurable: what is counted\n\
                     unit: followers\n\
                     baseline: 100                       # the value at the start\n\
                     target: 150                         # Achievable: not equal to the baseline, nor ten times it\n\
                     current: 100                        # the latest measurement\n\
                     start: {today}\n\
                     due: {due}                          # Time-bound\n\
                     owner: To be named                  # Realistic: who is accountable\n\
                     ---\n\
                     Specific: say exactly what is to be achieved, for whom and why.\n"
                ),
                format!(
                    "---\n\
                     # Step 3 — a Strategy: the plan to reach the objective.\n\
                     step: strategy\n\
                     title: Share our know-how\n\
                     serves: {so}# an objective\n\
                     paid: false                         # does it rely on paid advertising?\n\
                     ---\n\
                     Describe the plan: which content, leading whom towards what.\n"
                ),
                format!(
                    "---\n\
                     # Step 4 — a Tactic: the concrete tool, its format and rhythm.\n\
                     step: tactic\n\
                     title: One tip every week\n\
                     serves: {ss}# a strategy\n\
                     formats: [text, photo]              # text, photo, video, carousel, story, reel, live, poll, article, link, event, other\n\
                     schedule:\n\
                     \x20 every: week                       # day, week or month\n\
                     \x20 days: [{day}]                       # mon … sun\n\
                     \x20 time: \"09:30\"                     # local to the playbook's time zone\n\
                     ---\n\
                     Which content, for which audience, at what moment — and why this slot.\n"
                ),
            )
        };
        let (o, s, t) = if fr {
            ("abonnes", "savoir-faire", "conseil-hebdo")
        } else {
            ("followers", "know-how", "weekly-tip")
        };
        out.push((format!("content/{n}/mission.md"), mission));
        out.push((format!("content/{n}/objectives/{o}.md"), objective));
        out.push((format!("content/{n}/strategies/{s}.md"), strategy));
        out.push((format!("content/{n}/tactics/{t}.md"), tactic));
    }
    out
}

/// Parses `--networks linkedin,x`.
pub fn parse_networks(list: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for n in list
        .split(',')
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
    {
        if !valid_network_id(&n) {
            return Err(format!("`{n}` is not a valid network id (letters, digits, `-`, `_`)"));
        }
        if !out.contains(&n) {
            out.push(n);
        }
    }
    if out.is_empty() {
        return Err("--networks needs at least one network id, e.g. `--networks linkedin,x`".to_owned());
    }
    Ok(out)
}

/// Writes the starter into `dir`; nothing is written unless every file is new.
pub fn init(dir: &Path, lang: Language, networks: &[String], today: Date) -> Result<Vec<String>, InitError> {
    if dir.join("playbook.yaml").exists() {
        return Err(InitError::Refused(format!(
            "`{}` already holds a playbook (playbook.yaml)",
            dir.display()
        )));
    }
    let files = files(lang, networks, today);
    if let Some((p, _)) = files.iter().find(|(p, _)| dir.join(p).exists()) {
        return Err(InitError::Refused(format!(
            "`{}` exists already; init never overwrites a file",
            dir.join(p).display()
        )));
    }
    for (p, text) in &files {
        let path = dir.join(p);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| InitError::Io(parent.to_path_buf(), e))?;
        }
        // create_new: even a file appearing meanwhile is never overwritten.
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| InitError::Io(path.clone(), e))?;
        std::io::Write::write_all(&mut f, text.as_bytes()).map_err(|e| InitError::Io(path.clone(), e))?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}
