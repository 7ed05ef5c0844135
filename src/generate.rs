//! Deterministic generator of large, realistic playbooks, for benchmarks and
//! tests.
//!
//! [`generate`] writes a playbook of about `n` elements (exactly `n` once `n`
//! is above a small minimum) that follows the SPEC and is meant to pass
//! `mostbook check --today 2027-03-15` with no error and no warning:
//!
//! - `playbook.yaml` with 4–6 networks, in French or English, timezone
//!   `Europe/Paris`;
//! - a playbook-wide mission (`content/mission.md`), a few playbook-wide
//!   objectives and cross-network strategies (`content/objectives/`,
//!   `content/strategies/`);
//! - per network: one mission, ~6 % objectives, ~20 % strategies and the rest
//!   tactics, under `content/<network>/{objectives,strategies,tactics}/`, big
//!   folders being split into sub-folders of at most 500 files;
//! - Markdown bodies of 1–3 KB with headings, lists, tables, footnotes, task
//!   lists, relative `.md` links (some with a `#fragment` naming a heading of
//!   the target), `[[wiki links]]` and external links.
//!
//! Everything comes from a small inline PRNG seeded with `seed`, so the same
//! `(n, seed)` always gives byte-identical files.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::Path;

/// The largest number of files put in one folder before it is split.
const MAX_PER_FOLDER: usize = 500;

/// Writes a playbook of about `n` elements into `dir` (created if needed),
/// deterministically from `seed`. Existing files of the same names are
/// overwritten; nothing else in `dir` is touched.
pub fn generate(dir: &Path, n: usize, seed: u64) -> io::Result<()> {
    let plan = Plan::new(n, seed);
    plan.write(dir)
}

// ---------------------------------------------------------------------------
// PRNG: splitmix64, enough for reproducible test data.

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed ^ 0x6d6f_7374_626f_6f6b) // "mostbook"
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        ((self.next_u64() >> 11) % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + (self.next_u64() >> 11) % (hi - lo + 1)
    }

    /// True with a probability of `percent` %.
    fn chance(&mut self, percent: u64) -> bool {
        self.range(0, 99) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn word(&mut self, words: &[&'static str]) -> &'static str {
        words[self.below(words.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------------------
// The plan: every element, its id, title, network and links, decided before
// any body is written so that bodies can link to anything.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Step {
    Mission,
    Objective,
    Strategy,
    Tactic,
}

impl Step {
    fn name(self) -> &'static str {
        match self {
            Step::Mission => "mission",
            Step::Objective => "objective",
            Step::Strategy => "strategy",
            Step::Tactic => "tactic",
        }
    }

    fn folder(self) -> &'static str {
        match self {
            Step::Mission => "",
            Step::Objective => "objectives",
            Step::Strategy => "strategies",
            Step::Tactic => "tactics",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    Fr,
    En,
}

impl Lang {
    fn i(self) -> usize {
        match self {
            Lang::Fr => 0,
            Lang::En => 1,
        }
    }
}

struct Element {
    step: Step,
    /// The path under `content/` without `.md`, which is also the id.
    id: String,
    /// The last segment of the id, unique in the playbook except for
    /// missions (all named `mission`).
    slug: String,
    title: String,
    /// Index into `Plan::networks`; `None` spans all networks.
    network: Option<usize>,
    /// Indices of the elements one level up that this one serves.
    serves: Vec<usize>,
    /// Indices of the elements that serve this one.
    served_by: Vec<usize>,
    /// The `##` headings of the body, in order (Markdown source text).
    headings: Vec<&'static str>,
    /// Objective kind (index into `OBJECTIVE_KINDS`), tactic format or
    /// day, when relevant.
    kind: usize,
    day: usize,
}

struct Network {
    id: &'static str,
    name: &'static str,
}

struct Plan {
    seed: u64,
    lang: Lang,
    company: &'static str,
    networks: Vec<Network>,
    elements: Vec<Element>,
}

/// Splits `total` among `weights.len()` parts in proportion to the weights,
/// each part getting at least `min`.
fn split(total: usize, weights: &[usize], min: usize) -> Vec<usize> {
    let k = weights.len();
    let mut parts = vec![min; k];
    let rest = total.saturating_sub(min * k);
    let sum: usize = weights.iter().sum::<usize>().max(1);
    let mut given = 0;
    for (part, w) in parts.iter_mut().zip(weights) {
        let share = rest * w / sum;
        *part += share;
        given += share;
    }
    let mut i = 0;
    while given < rest {
        parts[i % k] += 1;
        given += 1;
        i += 1;
    }
    parts
}

/// Lowercase ASCII slug of a title: accents removed, anything else than a
/// letter or digit becomes `-`, at most ~50 characters on a word boundary.
fn slugify(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        let c = deaccent(c);
        for c in c.chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.len() > 50 {
        let cut = out[..50].rfind('-').unwrap_or(50);
        out.truncate(cut);
    }
    out
}

fn deaccent(c: char) -> String {
    let s = match c {
        'à' | 'â' | 'ä' | 'á' => "a",
        'À' | 'Â' | 'Ä' | 'Á' => "a",
        'é' | 'è' | 'ê' | 'ë' => "e",
        'É' | 'È' | 'Ê' | 'Ë' => "e",
        'î' | 'ï' | 'í' => "i",
        'Î' | 'Ï' => "i",
        'ô' | 'ö' | 'ó' => "o",
        'Ô' | 'Ö' => "o",
        'ù' | 'û' | 'ü' | 'ú' => "u",
        'Ù' | 'Û' | 'Ü' => "u",
        'ç' | 'Ç' => "c",
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        '\'' | '’' => "",
        _ => return c.to_string(),
    };
    s.to_string()
}

/// The id GitHub gives a heading (see SPEC): `{#custom}` wins; otherwise
/// lowercase, letters, digits, `-` and `_` kept, spaces to `-`, the rest
/// dropped.
fn heading_id(text: &str) -> String {
    if let Some(start) = text.find("{#") {
        return text[start + 2..text.len() - 1].to_string();
    }
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            out.extend(c.to_lowercase());
        } else if c == ' ' {
            out.push('-');
        }
    }
    out
}

/// Ids that a `#fragment` may safely name: plain ASCII, so no percent-encoding
/// question arises.
fn linkable_heading(text: &str) -> Option<String> {
    let id = heading_id(text);
    id.is_ascii().then_some(id)
}

struct Namer {
    used: HashSet<String>,
}

impl Namer {
    fn unique(&mut self, title: &str) -> String {
        let base = slugify(title);
        let base = if base.is_empty() { "element".to_string() } else { base };
        if self.used.insert(base.clone()) {
            return base;
        }
        let mut i = 2;
        loop {
            let candidate = format!("{base}-{i}");
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
            i += 1;
        }
    }
}

impl Plan {
    fn new(n: usize, seed: u64) -> Plan {
        let mut rng = Rng::new(seed);
        let lang = if rng.chance(50) { Lang::Fr } else { Lang::En };
        let company = *rng.pick(COMPANIES[lang.i()]);

        let mut pool: Vec<usize> = (0..NETWORKS.len()).collect();
        rng.shuffle(&mut pool);
        let k = 4 + rng.below(3);
        let mut chosen: Vec<usize> = pool[..k].to_vec();
        chosen.sort_unstable();
        let networks: Vec<Network> = chosen
            .iter()
            .map(|&i| Network {
                id: NETWORKS[i].0,
                name: NETWORKS[i].1,
            })
            .collect();

        // Counts. Below ~40 elements the proportions cannot all hold; the
        // playbook is then a little larger than asked.
        let n = n.max(8 * k + 8);
        let global_objectives = (n / 200).max(1);
        let global_strategies = (n / 100).max(2).max(global_objectives);
        let network_total = n - 1 - global_objectives - global_strategies - k;
        let objectives = (n * 6 / 100).max(k);
        let strategies = (n * 20 / 100).max(objectives + k);
        let tactics = network_total - objectives - strategies;
        debug_assert!(tactics >= strategies);

        let weights: Vec<usize> = (0..k).map(|_| rng.range(2, 6) as usize).collect();
        let obj_per = split(objectives, &weights, 1);
        let extra_strat = split(strategies - objectives, &weights, 0);
        let extra_tact = split(tactics - strategies, &weights, 0);

        let mut plan = Plan {
            seed,
            lang,
            company,
            networks,
            elements: Vec::with_capacity(n),
        };
        let mut namer = Namer { used: HashSet::new() };

        // Playbook-wide mission, objectives and strategies.
        let mission_title = match lang {
            Lang::Fr => format!("Mission : {company} sur les réseaux sociaux"),
            Lang::En => format!("Mission: {company} on social media"),
        };
        plan.push(&mut rng, Step::Mission, None, "mission".into(), mission_title);
        let mut global_obj = Vec::new();
        for _ in 0..global_objectives {
            let kind = rng.below(OBJECTIVE_KINDS.len());
            let title = objective_title(&mut rng, lang, kind, None);
            let slug = namer.unique(&title);
            let e = plan.push(&mut rng, Step::Objective, None, slug, title);
            plan.elements[e].kind = kind;
            plan.link(e, 0);
            global_obj.push(e);
        }
        let mut global_strat = Vec::new();
        for i in 0..global_strategies {
            let title = strategy_title(&mut rng, lang, None);
            let slug = namer.unique(&title);
            let e = plan.push(&mut rng, Step::Strategy, None, slug, title);
            plan.link(e, global_obj[i % global_obj.len()]);
            global_strat.push(e);
        }

        // Per network.
        let mut network_obj: Vec<usize> = Vec::new();
        let mut all_tactics: Vec<usize> = Vec::new();
        for net in 0..k {
            let name = plan.networks[net].name;
            let title = match lang {
                Lang::Fr => format!("Pourquoi nous sommes sur {name}"),
                Lang::En => format!("Why we are on {name}"),
            };
            let mission = plan.push(&mut rng, Step::Mission, Some(net), "mission".into(), title);

            let mut objs = Vec::new();
            for _ in 0..obj_per[net] {
                let kind = rng.below(OBJECTIVE_KINDS.len());
                let title = objective_title(&mut rng, lang, kind, Some(name));
                let slug = namer.unique(&title);
                let e = plan.push(&mut rng, Step::Objective, Some(net), slug, title);
                plan.elements[e].kind = kind;
                plan.link(e, mission);
                objs.push(e);
            }
            network_obj.extend(&objs);

            let mut strats = Vec::new();
            for i in 0..obj_per[net] + extra_strat[net] {
                let title = strategy_title(&mut rng, lang, Some(name));
                let slug = namer.unique(&title);
                let e = plan.push(&mut rng, Step::Strategy, Some(net), slug, title);
                // The first ones give every objective a strategy.
                let target = if i < objs.len() { objs[i] } else { *rng.pick(&objs) };
                plan.link(e, target);
                if objs.len() > 1 && rng.chance(15) {
                    let other = *rng.pick(&objs);
                    plan.link(e, other);
                }
                if rng.chance(4) {
                    let other = *rng.pick(&global_obj);
                    plan.link(e, other);
                }
                strats.push(e);
            }

            for i in 0..strats.len() + extra_tact[net] {
                let format = rng.below(TACTIC_FORMATS.len());
                let day = rng.below(7);
                let title = tactic_title(&mut rng, lang, format, day);
                let slug = namer.unique(&title);
                let e = plan.push(&mut rng, Step::Tactic, Some(net), slug, title);
                plan.elements[e].kind = format;
                plan.elements[e].day = day;
                let target = if i < strats.len() {
                    strats[i]
                } else {
                    *rng.pick(&strats)
                };
                plan.link(e, target);
                if strats.len() > 1 && rng.chance(10) {
                    let other = *rng.pick(&strats);
                    plan.link(e, other);
                }
                all_tactics.push(e);
            }
        }

        // Cross-network strategies: each is carried out by at least one
        // tactic of some network, and a few also serve network objectives.
        for &s in &global_strat {
            let t = *rng.pick(&all_tactics);
            plan.link(t, s);
            if rng.chance(40) {
                let t = *rng.pick(&all_tactics);
                plan.link(t, s);
            }
            if rng.chance(30) {
                let o = *rng.pick(&network_obj);
                plan.link(s, o);
            }
        }

        plan.assign_paths();
        plan
    }

    fn push(&mut self, rng: &mut Rng, step: Step, network: Option<usize>, slug: String, title: String) -> usize {
        let all = HEADINGS[step as usize][self.lang.i()];
        // The first heading always, then 2–4 of the others, in order.
        let mut headings = vec![all[0]];
        let want = 2 + rng.below(3);
        let mut rest: Vec<usize> = (1..all.len()).collect();
        rng.shuffle(&mut rest);
        let mut rest = rest[..want.min(rest.len())].to_vec();
        rest.sort_unstable();
        headings.extend(rest.iter().map(|&i| all[i]));
        self.elements.push(Element {
            step,
            id: String::new(),
            slug,
            title,
            network,
            serves: Vec::new(),
            served_by: Vec::new(),
            headings,
            kind: 0,
            day: 0,
        });
        self.elements.len() - 1
    }

    fn link(&mut self, from: usize, to: usize) {
        if !self.elements[from].serves.contains(&to) {
            self.elements[from].serves.push(to);
            self.elements[to].served_by.push(from);
        }
    }

    /// Gives every element its path (= id), splitting folders of more than
    /// `MAX_PER_FOLDER` files into numbered, themed sub-folders.
    fn assign_paths(&mut self) {
        let themes = FOLDER_THEMES[self.lang.i()];
        let mut groups: Vec<(Option<usize>, Step, Vec<usize>)> = Vec::new();
        for (i, e) in self.elements.iter().enumerate() {
            if e.step == Step::Mission {
                continue;
            }
            match groups
                .iter_mut()
                .find(|(net, step, _)| *net == e.network && *step == e.step)
            {
                Some(group) => group.2.push(i),
                None => groups.push((e.network, e.step, vec![i])),
            }
        }
        for e in &mut self.elements {
            if e.step == Step::Mission {
                e.id = match e.network {
                    Some(net) => format!("{}/mission", self.networks[net].id),
                    None => "mission".to_string(),
                };
            }
        }
        for (net, step, members) in groups {
            let mut base = String::new();
            if let Some(net) = net {
                base.push_str(self.networks[net].id);
                base.push('/');
            }
            base.push_str(step.folder());
            let chunks = members.len().div_ceil(MAX_PER_FOLDER);
            let per = members.len().div_ceil(chunks);
            for (j, chunk) in members.chunks(per).enumerate() {
                let folder = if chunks == 1 {
                    base.clone()
                } else {
                    format!("{base}/{:02}-{}", j + 1, themes[j % themes.len()])
                };
                for &i in chunk {
                    let e = &mut self.elements[i];
                    e.id = format!("{folder}/{}", e.slug);
                }
            }
        }
    }

    fn write(&self, dir: &Path) -> io::Result<()> {
        fs::create_dir_all(dir.join("content"))?;
        fs::write(dir.join("playbook.yaml"), self.playbook_yaml())?;
        let mut rng = Rng::new(self.seed.rotate_left(17) ^ 0x0062_6f64_7973);
        let mut made: HashSet<String> = HashSet::new();
        let mut text = String::with_capacity(4096);
        for e in 0..self.elements.len() {
            let id = &self.elements[e].id;
            let path = dir.join("content").join(format!("{id}.md"));
            if let Some((parent, _)) = id.rsplit_once('/')
                && made.insert(parent.to_string())
            {
                fs::create_dir_all(path.parent().expect("a parent folder"))?;
            }
            text.clear();
            self.front_matter(&mut rng, e, &mut text);
            self.body(&mut rng, e, &mut text);
            fs::write(&path, text.as_bytes())?;
        }
        Ok(())
    }

    fn playbook_yaml(&self) -> String {
        let l = self.lang;
        let company = self.company;
        let host = slugify(company);
        let mut s = String::new();
        let (title, description, language) = match l {
            Lang::Fr => (
                format!("{company} — réseaux sociaux 2027"),
                format!(
                    "Plan de communication de **{company}** sur les réseaux sociaux, \
                     selon la méthode MOST : mission, objectifs, stratégies, tactiques."
                ),
                "fr",
            ),
            Lang::En => (
                format!("{company} — social media 2027"),
                format!(
                    "The social-media plan of **{company}**, following the MOST method: \
                     mission, objectives, strategies, tactics."
                ),
                "en",
            ),
        };
        s.push_str(&format!("title: {}\n", q(&title)));
        s.push_str(&format!("description: {}\n", q(&description)));
        s.push_str(&format!("language: {language}\n"));
        s.push_str(&format!("base_url: https://{host}.example/playbook/\n"));
        s.push_str("timezone: Europe/Paris\n");
        s.push_str("networks:\n");
        for net in &self.networks {
            let url = NETWORKS.iter().find(|n| n.0 == net.id).map(|n| n.2).unwrap_or("");
            s.push_str(&format!(
                "  {}: {{ name: {}, url: {} }}\n",
                net.id,
                q(net.name),
                q(&format!("{url}{host}"))
            ));
        }
        s.push_str(&format!(
            "extra:\n  generated_by: mostbook generate\n  seed: {}\n",
            self.seed
        ));
        s
    }

    fn reference(&self, rng: &mut Rng, target: usize) -> String {
        let t = &self.elements[target];
        // Missions share their slug: always name them by id. Others are
        // named by their short slug about half the time, as people do.
        if t.step == Step::Mission || rng.chance(50) {
            t.id.clone()
        } else {
            t.slug.clone()
        }
    }

    fn front_matter(&self, rng: &mut Rng, e: usize, s: &mut String) {
        let el = &self.elements[e];
        let l = self.lang.i();
        s.push_str("---\n");
        s.push_str(&format!("step: {}\n", el.step.name()));
        s.push_str(&format!("title: {}\n", q(&el.title)));
        if let Some(net) = el.network
            && rng.chance(5)
        {
            s.push_str(&format!("network: {}\n", self.networks[net].id));
        }
        match el.serves.len() {
            0 => {}
            1 => {
                let r = self.reference(rng, el.serves[0]);
                s.push_str(&format!("serves: {r}\n"));
            }
            _ => {
                s.push_str("serves:\n");
                for &t in &el.serves {
                    let r = self.reference(rng, t);
                    s.push_str(&format!("  - {r}\n"));
                }
            }
        }
        if el.step == Step::Objective || rng.chance(70) {
            s.push_str(&format!("owner: {}\n", q(rng.word(OWNERS[l]))));
        }
        if rng.chance(60) {
            let mut tags: Vec<&str> = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let t = *rng.pick(TAGS[l]);
                if !tags.contains(&t) {
                    tags.push(t);
                }
            }
            let tags: Vec<String> = tags.iter().map(|t| q(t)).collect();
            s.push_str(&format!("tags: [{}]\n", tags.join(", ")));
        }
        match el.step {
            Step::Mission => self.mission_fields(rng, s),
            Step::Objective => self.objective_fields(rng, el, s),
            Step::Strategy => {
                if rng.chance(35) {
                    s.push_str("paid: true\n");
                    s.push_str(&format!("budget: {}\n", rng.range(5, 200) * 100));
                    let currency = if self.lang == Lang::Fr || rng.chance(50) {
                        "EUR"
                    } else {
                        "USD"
                    };
                    s.push_str(&format!("currency: {currency}\n"));
                } else if rng.chance(50) {
                    s.push_str("paid: false\n");
                }
            }
            Step::Tactic => self.tactic_fields(rng, el, s),
        }
        if rng.chance(5) {
            s.push_str("extra:\n");
            s.push_str(&format!("  priority: {}\n", rng.range(1, 3)));
            s.push_str(&format!(
                "  dashboard: \"https://analytics.example/board/{}\"\n",
                rng.range(100, 999)
            ));
        }
        s.push_str("---\n");
    }

    fn mission_fields(&self, rng: &mut Rng, s: &mut String) {
        let l = self.lang.i();
        let mut audience: Vec<&str> = Vec::new();
        for _ in 0..2 + rng.below(3) {
            let a = *rng.pick(AUDIENCES[l]);
            if !audience.contains(&a) {
                audience.push(a);
            }
        }
        s.push_str("audience:\n");
        for a in &audience {
            s.push_str(&format!("  - {}\n", q(a)));
        }
        s.push_str(&format!("audience_active: {}\n", rng.chance(85)));
        let habits = ["post", "share", "opinion", "sell"];
        let mut chosen: Vec<&str> = habits.iter().copied().filter(|_| rng.chance(60)).collect();
        if chosen.is_empty() {
            chosen.push("share");
        }
        s.push_str(&format!("audience_habits: [{}]\n", chosen.join(", ")));
        s.push_str("competitors:\n");
        let mut names: Vec<&str> = Vec::new();
        for _ in 0..1 + rng.below(3) {
            let c = *rng.pick(COMPETITORS);
            if !names.contains(&c) {
                names.push(c);
            }
        }
        for c in &names {
            if rng.chance(50) {
                s.push_str(&format!("  - name: {}\n", q(c)));
                s.push_str(&format!("    url: \"https://{}.example\"\n", slugify(c)));
                s.push_str(&format!("    active: {}\n", rng.chance(70)));
            } else {
                s.push_str(&format!("  - {}\n", q(c)));
            }
        }
        if rng.chance(70) {
            let p = *rng.pick(PARTNERS[l]);
            s.push_str(&format!("partners: [{}]\n", q(p)));
        }
    }

    fn objective_fields(&self, rng: &mut Rng, el: &Element, s: &mut String) {
        let l = self.lang.i();
        let k = &OBJECTIVE_KINDS[el.kind];
        s.push_str(&format!("category: {}\n", k.category));
        s.push_str(&format!("metric: {}\n", q(k.metric[l])));
        s.push_str(&format!("unit: {}\n", q(k.unit[l])));
        // Values are kept in tenths when the metric has decimals.
        let scale = if k.decimals { 10 } else { 1 };
        let baseline = rng.range(k.lo * scale, k.hi * scale);
        let mut target = if k.decrease {
            baseline * rng.range(30, 85) / 100
        } else {
            baseline * rng.range(115, 400) / 100
        };
        if target == baseline {
            target = if k.decrease { baseline - 1 } else { baseline + 1 };
        }
        let target = target.max(1);
        let fmt = |v: u64| {
            if k.decimals {
                format!("{}.{}", v / 10, v % 10)
            } else {
                v.to_string()
            }
        };
        s.push_str(&format!("baseline: {}\n", fmt(baseline)));
        s.push_str(&format!("target: {}\n", fmt(target)));
        if rng.chance(88) {
            let (lo, hi) = (baseline.min(target), baseline.max(target));
            // Mostly between baseline and target; sometimes already there.
            let current = if rng.chance(10) { target } else { rng.range(lo, hi) };
            s.push_str(&format!("current: {}\n", fmt(current)));
        }
        let start = date(rng, 2026, 1, 2027, 2);
        let due = date(rng, 2027, 4, 2028, 12);
        s.push_str(&format!("start: {start}\n"));
        s.push_str(&format!("due: {due}\n"));
    }

    fn tactic_fields(&self, rng: &mut Rng, el: &Element, s: &mut String) {
        let f = &TACTIC_FORMATS[el.kind];
        let mut formats = vec![f.format];
        if rng.chance(40) {
            let extra = *rng.pick(&["text", "photo", "link", "poll", "story"]);
            if !formats.contains(&extra) {
                formats.push(extra);
            }
        }
        s.push_str(&format!("formats: [{}]\n", formats.join(", ")));
        s.push_str("schedule:\n");
        let roll = rng.below(100);
        if roll < 80 {
            if rng.chance(50) {
                s.push_str("  every: week\n");
            }
            if rng.chance(15) {
                s.push_str("  interval: 2\n");
            }
            let mut days = vec![el.day];
            if rng.chance(30) {
                let d = (el.day + 2 + rng.below(3)) % 7;
                days.push(d);
                days.sort_unstable();
            }
            let days: Vec<&str> = days.iter().map(|&d| DAY_CODES[d]).collect();
            s.push_str(&format!("  days: [{}]\n", days.join(", ")));
        } else if roll < 90 {
            s.push_str("  every: day\n");
            if rng.chance(30) {
                s.push_str(&format!("  interval: {}\n", rng.range(2, 3)));
            }
        } else {
            s.push_str("  every: month\n");
        }
        let time = |rng: &mut Rng| format!("\"{:02}:{:02}\"", rng.range(7, 20), [0, 15, 30, 45][rng.below(4)]);
        if rng.chance(20) {
            let a = time(rng);
            let mut b = time(rng);
            while b == a {
                b = time(rng);
            }
            s.push_str(&format!("  time: [{a}, {b}]\n"));
        } else {
            let t = time(rng);
            s.push_str(&format!("  time: {t}\n"));
        }
        if rng.chance(40) {
            s.push_str(&format!("  from: {}\n", date(rng, 2026, 9, 2027, 3)));
            if rng.chance(60) {
                s.push_str(&format!("  until: {}\n", date(rng, 2027, 6, 2028, 6)));
            }
        }
    }

    // -----------------------------------------------------------------------
    // Bodies.

    fn body(&self, rng: &mut Rng, e: usize, s: &mut String) {
        let el = &self.elements[e];
        let l = self.lang.i();
        let start = s.len();
        let size = rng.range(1100, 2600) as usize;
        let candidates = self.link_candidates(rng, e);
        let mut footnote = 0;
        let mut table_done = false;

        s.push('\n');
        self.paragraph(rng, s, 2, 4);
        // The first paragraph always names what this element is for.
        if let Some(&first) = candidates.first() {
            s.pop(); // the newline, to continue the paragraph
            s.push(' ');
            self.link_sentence(rng, e, first, s);
            s.push('\n');
        }
        s.push('\n');

        let sections = el.headings.len();
        for (h, heading) in el.headings.iter().enumerate() {
            s.push_str(&format!("## {heading}\n\n"));
            let section_end = start + size * (h + 1) / sections;
            let mut first_block = true;
            loop {
                let roll = if first_block { 0 } else { rng.below(100) };
                first_block = false;
                match roll {
                    0..=44 => {
                        self.paragraph(rng, s, 2, 5);
                        if !candidates.is_empty() && rng.chance(45) {
                            s.pop();
                            s.push(' ');
                            let t = *rng.pick(&candidates);
                            self.link_sentence(rng, e, t, s);
                            s.push('\n');
                        }
                    }
                    45..=59 => self.list(rng, s, false),
                    60..=66 => self.list(rng, s, true),
                    67..=73 => self.task_list(rng, s),
                    74..=81 if !table_done => {
                        self.table(rng, el, s);
                        table_done = true;
                    }
                    82..=86 => {
                        s.push_str("> ");
                        s.push_str(&sentence(rng, self.lang));
                        s.push('\n');
                    }
                    87..=91 => {
                        footnote += 1;
                        let mut p = sentence(rng, self.lang);
                        p.pop(); // the final period
                        s.push_str(&format!("{p}[^{footnote}].\n\n"));
                        s.push_str(&format!("[^{footnote}]: {} {}\n", SOURCE[l], sentence(rng, self.lang)));
                    }
                    92..=95 => {
                        s.push_str(&format!("### {}\n\n", rng.pick(SUBHEADINGS[l])));
                        self.paragraph(rng, s, 1, 3);
                    }
                    _ => {
                        // Inline markup, an external link or a same-page
                        // anchor.
                        let a = phrase(rng, self.lang);
                        let b = phrase(rng, self.lang);
                        let tag = rng.pick(HASHTAGS);
                        let extra = match rng.below(3) {
                            0 => format!("[{}](https://www.example.com/{})", EXTERNAL[l], slugify(&b)),
                            1 => match el.headings.iter().find_map(|h| linkable_heading(h)) {
                                Some(id) => format!("[{}](#{id})", ABOVE[l]),
                                None => format!("~~{b}~~"),
                            },
                            _ => format!("~~{b}~~"),
                        };
                        s.push_str(&format!(
                            "{} **{a}**, *{b}*, `{tag}`{} {extra}.\n",
                            capitalize(&sentence_no_period(rng, self.lang)),
                            COLON[l]
                        ));
                    }
                }
                s.push('\n');
                if s.len() >= section_end {
                    break;
                }
            }
        }
        while s.ends_with("\n\n") {
            s.pop();
        }
    }

    /// Elements this one may link to: parents, children, siblings, and a
    /// couple of others; the first is the most natural one.
    fn link_candidates(&self, rng: &mut Rng, e: usize) -> Vec<usize> {
        let el = &self.elements[e];
        let mut out: Vec<usize> = Vec::new();
        let add = |out: &mut Vec<usize>, t: usize| {
            if t != e && !out.contains(&t) {
                out.push(t);
            }
        };
        for &p in &el.serves {
            add(&mut out, p);
        }
        for _ in 0..3 {
            if !el.served_by.is_empty() {
                add(&mut out, *rng.pick(&el.served_by));
            }
        }
        if let Some(&p) = el.serves.first() {
            let siblings = &self.elements[p].served_by;
            for _ in 0..2 {
                add(&mut out, *rng.pick(siblings));
            }
        }
        add(&mut out, rng.below(self.elements.len()));
        out
    }

    fn link_sentence(&self, rng: &mut Rng, from: usize, to: usize, s: &mut String) {
        let l = self.lang.i();
        let f = &self.elements[from];
        let t = &self.elements[to];
        let link = match rng.below(10) {
            0..=3 => format!("[{}]({})", t.title, relative(&f.id, &t.id)),
            4..=5 => {
                let fragment = t.headings.iter().filter_map(|h| linkable_heading(h)).nth(rng.below(2));
                match fragment {
                    Some(id) => format!("[{}]({}#{id})", t.title, relative(&f.id, &t.id)),
                    None => format!("[{}]({})", t.title, relative(&f.id, &t.id)),
                }
            }
            6..=7 => {
                let r = if t.step == Step::Mission {
                    t.id.as_str()
                } else {
                    t.slug.as_str()
                };
                format!("[[{r}]]")
            }
            _ => format!("[[{}|{}]]", t.id, t.title),
        };
        let template = rng.pick(LINK_SENTENCES[l]);
        s.push_str(&template.replace("{}", &link));
    }

    fn paragraph(&self, rng: &mut Rng, s: &mut String, lo: usize, hi: usize) {
        let count = lo + rng.below(hi - lo + 1);
        for i in 0..count {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(&sentence(rng, self.lang));
        }
        s.push('\n');
    }

    fn list(&self, rng: &mut Rng, s: &mut String, numbered: bool) {
        for i in 0..3 + rng.below(3) {
            if numbered {
                s.push_str(&format!("{}. ", i + 1));
            } else {
                s.push_str("- ");
            }
            s.push_str(&capitalize(&phrase(rng, self.lang)));
            s.push_str(";\n");
        }
    }

    fn task_list(&self, rng: &mut Rng, s: &mut String) {
        let l = self.lang.i();
        for _ in 0..3 + rng.below(3) {
            let done = if rng.chance(40) { 'x' } else { ' ' };
            s.push_str(&format!("- [{done}] {}\n", rng.pick(TASKS[l])));
        }
    }

    fn table(&self, rng: &mut Rng, el: &Element, s: &mut String) {
        let l = self.lang.i();
        let header = rng.pick(TABLE_HEADERS[l]);
        s.push_str(&format!("| {} |\n", header.join(" | ")));
        s.push_str(&format!("|{}\n", "---|".repeat(header.len())));
        for row in 0..3 + rng.below(4) {
            let cells: Vec<String> = (0..header.len())
                .map(|c| match c {
                    0 => format!("{} {}", ROW_LABEL[l], row + 1),
                    1 => DAY_NAMES[l][(el.day + row) % 7].to_string(),
                    2 => rng.range(10, 5000).to_string(),
                    _ => rng.pick(OWNERS[l]).to_string(),
                })
                .collect();
            s.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
    }
}

/// The relative path of the file of id `to` seen from the file of id `from`.
fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect();
    let from_dir = &from_dir[..from_dir.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let to_dir = &to_parts[..to_parts.len() - 1];
    let common = from_dir.iter().zip(to_dir).take_while(|(a, b)| a == b).count();
    let mut out = String::new();
    for _ in common..from_dir.len() {
        out.push_str("../");
    }
    out.push_str(&to_parts[common..].join("/"));
    out.push_str(".md");
    out
}

fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

fn date(rng: &mut Rng, y0: u64, m0: u64, y1: u64, m1: u64) -> String {
    let first = y0 * 12 + (m0 - 1);
    let last = y1 * 12 + (m1 - 1);
    let m = rng.range(first, last);
    format!("{}-{:02}-{:02}", m / 12, m % 12 + 1, rng.range(1, 28))
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn sentence_no_period(rng: &mut Rng, lang: Lang) -> String {
    let l = lang.i();
    let mut s = format!(
        "{} {} {}",
        rng.pick(SUBJECTS[l]),
        rng.pick(VERBS[l]),
        rng.pick(COMPLEMENTS[l])
    );
    if rng.chance(45) {
        s.push_str(&format!(", {} {}", rng.pick(CONNECTORS[l]), rng.pick(COMPLEMENTS[l])));
    }
    if rng.chance(50) {
        s.push(' ');
        s.push_str(rng.word(CLOSERS[l]));
    }
    if lang == Lang::Fr {
        // French contractions: "de le" is "du", "à les" is "aux"…
        for (from, to) in [
            (" de le ", " du "),
            (" de les ", " des "),
            (" à le ", " au "),
            (" à les ", " aux "),
        ] {
            s = s.replace(from, to);
        }
    }
    s
}

fn sentence(rng: &mut Rng, lang: Lang) -> String {
    let mut s = capitalize(&sentence_no_period(rng, lang));
    s.push('.');
    s
}

fn phrase(rng: &mut Rng, lang: Lang) -> String {
    let l = lang.i();
    format!("{} {}", rng.pick(COMPLEMENTS[l]), rng.pick(CLOSERS[l]))
}

fn objective_title(rng: &mut Rng, lang: Lang, kind: usize, network: Option<&str>) -> String {
    let l = lang.i();
    let k = &OBJECTIVE_KINDS[kind];
    let qualifier = match (network, rng.below(3)) {
        (Some(net), 0) => match lang {
            Lang::Fr => format!("sur {net}"),
            Lang::En => format!("on {net}"),
        },
        _ => rng.pick(OBJECTIVE_QUALIFIERS[l]).to_string(),
    };
    format!("{} {qualifier}", k.title[l])
}

fn strategy_title(rng: &mut Rng, lang: Lang, network: Option<&str>) -> String {
    let l = lang.i();
    let mut t = format!("{} {}", rng.pick(STRATEGY_NOUNS[l]), rng.pick(STRATEGY_QUALIFIERS[l]));
    if network.is_none() {
        t.push_str(match lang {
            Lang::Fr => " (tous réseaux)",
            Lang::En => " (all networks)",
        });
    } else if rng.chance(60) {
        t.push_str(" — ");
        t.push_str(rng.word(SEASONS[l]));
    }
    t
}

fn tactic_title(rng: &mut Rng, lang: Lang, format: usize, day: usize) -> String {
    let l = lang.i();
    let f = &TACTIC_FORMATS[format];
    let topic = rng.pick(TOPICS[l]);
    let mut t = match lang {
        Lang::Fr => format!("{} du {} : {topic}", f.label[0], DAY_NAMES[0][day]),
        Lang::En => format!("{} {}: {topic}", DAY_NAMES[1][day], f.label[1]),
    };
    if rng.chance(50) {
        t.push_str(", ");
        t.push_str(rng.word(SEASONS[l]));
    }
    t
}

// ---------------------------------------------------------------------------
// Word lists, French first, English second.

type Words = [&'static [&'static str]; 2];

const NETWORKS: &[(&str, &str, &str)] = &[
    ("facebook", "Facebook", "https://www.facebook.com/"),
    ("instagram", "Instagram", "https://www.instagram.com/"),
    ("linkedin", "LinkedIn", "https://www.linkedin.com/company/"),
    ("mastodon", "Mastodon", "https://mastodon.social/@"),
    ("pinterest", "Pinterest", "https://www.pinterest.com/"),
    ("tiktok", "TikTok", "https://www.tiktok.com/@"),
    ("x", "X (Twitter)", "https://x.com/"),
    ("youtube", "YouTube", "https://www.youtube.com/@"),
];

const COMPANIES: Words = [
    &[
        "Agence Lumière",
        "Maison Fournier",
        "Atelier Nord",
        "Brasserie du Port",
        "Librairie des Halles",
        "Studio Orion",
    ],
    &[
        "Northwind Studio",
        "Bright Harbor",
        "Maple & Co",
        "Riverside Books",
        "Copperleaf Bakery",
        "Orion Labs",
    ],
];

struct ObjectiveKind {
    category: &'static str,
    metric: [&'static str; 2],
    unit: [&'static str; 2],
    lo: u64,
    hi: u64,
    decimals: bool,
    decrease: bool,
    title: [&'static str; 2],
}

const fn kind(
    category: &'static str,
    metric: [&'static str; 2],
    unit: [&'static str; 2],
    (lo, hi): (u64, u64),
    (decimals, decrease): (bool, bool),
    title: [&'static str; 2],
) -> ObjectiveKind {
    ObjectiveKind {
        category,
        metric,
        unit,
        lo,
        hi,
        decimals,
        decrease,
        title,
    }
}

const OBJECTIVE_KINDS: &[ObjectiveKind] = &[
    kind(
        "brand",
        ["mentions de la marque", "brand mentions"],
        ["mentions", "mentions"],
        (20, 400),
        (false, false),
        ["Faire parler de la marque", "Get the brand talked about"],
    ),
    kind(
        "brand",
        ["portée mensuelle", "monthly reach"],
        ["personnes", "people"],
        (2000, 80000),
        (false, false),
        ["Élargir la portée", "Widen our reach"],
    ),
    kind(
        "event",
        ["inscriptions au webinaire", "webinar sign-ups"],
        ["inscriptions", "sign-ups"],
        (30, 600),
        (false, false),
        ["Remplir le webinaire", "Fill the webinar"],
    ),
    kind(
        "event",
        ["visiteurs du stand", "booth visitors"],
        ["visiteurs", "visitors"],
        (50, 1500),
        (false, false),
        ["Attirer du monde au salon", "Bring people to the trade show"],
    ),
    kind(
        "sales",
        ["ventes attribuées", "attributed sales"],
        ["ventes", "sales"],
        (10, 500),
        (false, false),
        ["Vendre davantage", "Sell more"],
    ),
    kind(
        "sales",
        ["chiffre d'affaires attribué", "attributed revenue"],
        ["€", "EUR"],
        (2000, 90000),
        (false, false),
        ["Augmenter le chiffre d'affaires", "Grow revenue"],
    ),
    kind(
        "leads",
        ["demandes de devis", "quote requests"],
        ["demandes", "requests"],
        (10, 300),
        (false, false),
        ["Obtenir des demandes de devis", "Win quote requests"],
    ),
    kind(
        "leads",
        ["coût par contact", "cost per lead"],
        ["€", "EUR"],
        (8, 90),
        (false, true),
        ["Baisser le coût par contact", "Lower the cost per lead"],
    ),
    kind(
        "traffic",
        ["visites depuis le réseau", "visits from the network"],
        ["visites", "visits"],
        (300, 20000),
        (false, false),
        ["Amener du trafic vers le site", "Drive traffic to the site"],
    ),
    kind(
        "traffic",
        ["taux de clic", "click-through rate"],
        ["%", "%"],
        (1, 4),
        (true, false),
        ["Améliorer le taux de clic", "Raise the click-through rate"],
    ),
    kind(
        "engagement",
        ["taux d'engagement", "engagement rate"],
        ["%", "%"],
        (1, 8),
        (true, false),
        ["Susciter plus d'engagement", "Spark more engagement"],
    ),
    kind(
        "engagement",
        ["commentaires par publication", "comments per post"],
        ["commentaires", "comments"],
        (2, 60),
        (false, false),
        ["Faire réagir les abonnés", "Get followers talking"],
    ),
    kind(
        "community",
        ["abonnés", "followers"],
        ["abonnés", "followers"],
        (500, 50000),
        (false, false),
        ["Faire grandir la communauté", "Grow the community"],
    ),
    kind(
        "community",
        ["membres actifs du groupe", "active group members"],
        ["membres", "members"],
        (50, 3000),
        (false, false),
        ["Animer le groupe de clients", "Bring the customer group to life"],
    ),
    kind(
        "other",
        ["délai de réponse aux messages", "response time to messages"],
        ["heures", "hours"],
        (4, 48),
        (false, true),
        ["Répondre plus vite aux messages", "Answer messages faster"],
    ),
];

const OBJECTIVE_QUALIFIERS: Words = [
    &[
        "avant l'été",
        "d'ici la fin de l'année",
        "auprès des PME",
        "pour le lancement",
        "pendant le salon",
        "auprès des jeunes actifs",
        "sur le second semestre",
        "pour la rentrée",
        "auprès des décideurs",
        "en 2027",
    ],
    &[
        "before summer",
        "by year end",
        "among small businesses",
        "for the launch",
        "during the trade show",
        "among young professionals",
        "in the second half",
        "for back to school",
        "among decision makers",
        "in 2027",
    ],
];

const STRATEGY_NOUNS: Words = [
    &[
        "Tunnel d'études de cas",
        "Publicité ciblée",
        "Programme d'ambassadeurs",
        "Série éducative",
        "Partenariats avec des créateurs",
        "Blog d'entreprise relayé",
        "Contenus créés par les clients",
        "Lives mensuels",
        "Concours saisonnier",
        "Newsletter relayée",
        "Coulisses de l'équipe",
        "Témoignages clients",
        "Veille et réponses rapides",
        "Co-marketing avec les partenaires",
    ],
    &[
        "Case-study funnel",
        "Targeted ads",
        "Ambassador program",
        "Educational series",
        "Creator partnerships",
        "Company blog relay",
        "Customer-made content",
        "Monthly lives",
        "Seasonal contest",
        "Newsletter relay",
        "Behind the scenes",
        "Customer stories",
        "Social listening and fast replies",
        "Co-marketing with partners",
    ],
];

const STRATEGY_QUALIFIERS: Words = [
    &[
        "vers le formulaire de contact",
        "pour les décideurs",
        "autour du salon",
        "pour la rentrée",
        "à destination des PME",
        "pour les jeunes actifs",
        "en période de soldes",
        "pour la marque employeur",
        "avec budget publicitaire",
        "sur le long terme",
        "pour les clients fidèles",
        "en région",
    ],
    &[
        "to the contact form",
        "for decision makers",
        "around the trade show",
        "for back to school",
        "for small businesses",
        "for young professionals",
        "during the sales",
        "for the employer brand",
        "with an ad budget",
        "for the long run",
        "for loyal customers",
        "in the regions",
    ],
];

const SEASONS: Words = [
    &[
        "printemps",
        "été",
        "automne",
        "hiver",
        "édition B2B",
        "grand public",
        "rentrée",
        "fêtes de fin d'année",
        "soldes",
        "salon annuel",
        "lancement produit",
        "anniversaire",
    ],
    &[
        "spring",
        "summer",
        "autumn",
        "winter",
        "B2B edition",
        "consumer edition",
        "back to school",
        "holiday season",
        "sales season",
        "annual show",
        "product launch",
        "anniversary",
    ],
];

struct TacticFormat {
    format: &'static str,
    label: [&'static str; 2],
}

const TACTIC_FORMATS: &[TacticFormat] = &[
    TacticFormat {
        format: "video",
        label: ["Vidéo", "video"],
    },
    TacticFormat {
        format: "carousel",
        label: ["Carrousel", "carousel"],
    },
    TacticFormat {
        format: "story",
        label: ["Story", "story"],
    },
    TacticFormat {
        format: "reel",
        label: ["Reel", "reel"],
    },
    TacticFormat {
        format: "live",
        label: ["Live", "live"],
    },
    TacticFormat {
        format: "poll",
        label: ["Sondage", "poll"],
    },
    TacticFormat {
        format: "article",
        label: ["Article", "article"],
    },
    TacticFormat {
        format: "photo",
        label: ["Photo", "photo"],
    },
    TacticFormat {
        format: "text",
        label: ["Billet", "post"],
    },
    TacticFormat {
        format: "link",
        label: ["Lien", "link"],
    },
];

const DAY_CODES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY_NAMES: [[&str; 7]; 2] = [
    ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
];

const TOPICS: Words = [
    &[
        "coulisses de l'atelier",
        "conseil de la semaine",
        "question aux abonnés",
        "chiffre clé",
        "portrait d'un client",
        "avant et après",
        "nouveauté produit",
        "astuce pratique",
        "revue de presse",
        "rencontre avec l'équipe",
        "bilan du mois",
        "foire aux questions",
        "idée reçue démontée",
        "invité expert",
        "offre du moment",
        "retour d'événement",
        "tutoriel express",
        "citation inspirante",
        "sélection de la rédaction",
        "défi de la communauté",
        "étude de cas",
        "agenda des rendez-vous",
        "chantier en cours",
        "mot du fondateur",
        "recette maison",
        "offre d'emploi",
        "jeu concours",
        "partenaire à l'honneur",
        "erreur à éviter",
        "tendance du secteur",
    ],
    &[
        "behind the scenes",
        "tip of the week",
        "question to followers",
        "key figure",
        "customer portrait",
        "before and after",
        "product news",
        "practical hack",
        "press review",
        "meet the team",
        "monthly recap",
        "frequently asked questions",
        "myth busting",
        "guest expert",
        "current offer",
        "event replay",
        "quick tutorial",
        "inspiring quote",
        "editor's picks",
        "community challenge",
        "case study",
        "upcoming dates",
        "work in progress",
        "founder's note",
        "house recipe",
        "job opening",
        "giveaway",
        "partner spotlight",
        "mistake to avoid",
        "industry trend",
    ],
];

/// Section headings per step (`Step as usize`), French then English. They
/// are unique within a list and none equals a sub-heading, so their ids are
/// exactly `heading_id(text)`.
const HEADINGS: [Words; 4] = [
    [
        &[
            "Pourquoi ce réseau",
            "Public cible",
            "Concurrents et partenaires",
            "Ce que font les gens ici",
            "Vision à long terme",
            "Indicateurs clés {#kpi}",
        ],
        &[
            "Why this network",
            "Target audience",
            "Competitors and partners",
            "What people do here",
            "Long-term vision",
            "Key indicators {#kpi}",
        ],
    ],
    [
        &[
            "Contexte",
            "Pourquoi cet objectif",
            "Mesure et suivi",
            "Moyens et ressources",
            "Échéances",
            "Risques",
            "Indicateurs clés {#kpi}",
        ],
        &[
            "Context",
            "Why this objective",
            "Measurement",
            "People and means",
            "Milestones",
            "Risks",
            "Key indicators {#kpi}",
        ],
    ],
    [
        &[
            "Le parcours",
            "Principe",
            "Budget et moyens",
            "Messages clés",
            "Mesure",
            "Risques et parades",
            "Calendrier",
        ],
        &[
            "The journey",
            "Principle",
            "Budget and means",
            "Key messages",
            "Measurement",
            "Risks and mitigations",
            "Timeline",
        ],
    ],
    [
        &[
            "Contexte",
            "Format et ton",
            "Calendrier",
            "Exemples de publications",
            "Checklist",
            "Mesure",
        ],
        &[
            "Context",
            "Format and tone",
            "Schedule",
            "Sample posts",
            "Checklist",
            "Measurement",
        ],
    ],
];

const SUBHEADINGS: Words = [
    &["Exemple", "À retenir", "Variante", "Point d'attention"],
    &["Example", "Takeaway", "Variant", "Watch out"],
];

const SUBJECTS: Words = [
    &[
        "notre équipe",
        "la communauté",
        "chaque publication",
        "le public cible",
        "cette campagne",
        "le calendrier éditorial",
        "notre marque",
        "la ligne éditoriale",
        "chaque format",
        "le service client",
        "notre réseau de partenaires",
        "l'équipe commerciale",
        "ce réseau",
        "notre audience",
        "le contenu vidéo",
        "chaque story",
        "la newsletter",
        "le tableau de bord",
        "le programme d'ambassadeurs",
        "la direction",
    ],
    &[
        "our team",
        "the community",
        "every post",
        "the target audience",
        "this campaign",
        "the editorial calendar",
        "our brand",
        "the editorial line",
        "each format",
        "customer service",
        "our partner network",
        "the sales team",
        "this network",
        "our audience",
        "video content",
        "every story",
        "the newsletter",
        "the dashboard",
        "the ambassador program",
        "management",
    ],
];

const VERBS: Words = [
    &[
        "renforce",
        "alimente",
        "soutient",
        "mesure",
        "met en avant",
        "prépare",
        "clarifie",
        "accompagne",
        "valorise",
        "transforme",
        "relaie",
        "structure",
        "anime",
        "nourrit",
        "oriente",
        "simplifie",
    ],
    &[
        "strengthens",
        "feeds",
        "supports",
        "measures",
        "highlights",
        "prepares",
        "clarifies",
        "guides",
        "showcases",
        "turns around",
        "relays",
        "structures",
        "drives",
        "nurtures",
        "steers",
        "simplifies",
    ],
];

const COMPLEMENTS: Words = [
    &[
        "la notoriété de la marque",
        "les inscriptions à l'événement",
        "le trafic vers le site",
        "la confiance des clients",
        "les échanges avec la communauté",
        "les demandes de devis",
        "la visibilité de nos experts",
        "le parcours jusqu'au formulaire de contact",
        "les ventes en ligne",
        "l'image de l'agence",
        "la fidélité des abonnés",
        "les retours d'expérience",
        "le bouche-à-oreille",
        "la qualité des contacts",
        "les partages spontanés",
        "la cohérence du message",
    ],
    &[
        "brand awareness",
        "event sign-ups",
        "traffic to the site",
        "customer trust",
        "conversations with the community",
        "quote requests",
        "the visibility of our experts",
        "the path to the contact form",
        "online sales",
        "the agency's image",
        "follower loyalty",
        "customer feedback",
        "word of mouth",
        "lead quality",
        "organic shares",
        "a consistent message",
    ],
];

const CONNECTORS: Words = [
    &[
        "tout en respectant",
        "sans négliger",
        "grâce à",
        "en s'appuyant sur",
        "afin de préparer",
        "avant de mesurer",
        "en complément de",
        "pour mieux cibler",
    ],
    &[
        "while respecting",
        "without neglecting",
        "thanks to",
        "building on",
        "to prepare",
        "before measuring",
        "alongside",
        "to better target",
    ],
];

const CLOSERS: Words = [
    &[
        "chaque semaine",
        "sur le trimestre",
        "dès le lancement",
        "avec un budget maîtrisé",
        "selon le calendrier prévu",
        "au fil des mois",
        "pendant la saison haute",
        "avec des moyens réalistes",
    ],
    &[
        "every week",
        "over the quarter",
        "from launch day",
        "on a controlled budget",
        "on the planned schedule",
        "month after month",
        "during peak season",
        "with realistic means",
    ],
];

const LINK_SENTENCES: Words = [
    &[
        "Voir aussi {}.",
        "Cette action s'appuie sur {}.",
        "Le détail figure dans {}.",
        "À relier à {}, qui fixe le cadre.",
        "On pourra comparer avec {}.",
    ],
    &[
        "See also {}.",
        "This builds on {}.",
        "Details are in {}.",
        "Related: {}, which sets the frame.",
        "Compare with {}.",
    ],
];

const TASKS: Words = [
    &[
        "Valider le visuel avec la direction",
        "Rédiger le texte d'accroche",
        "Préparer les sous-titres",
        "Programmer la publication",
        "Répondre aux commentaires dans l'heure",
        "Relever les statistiques à J+7",
        "Archiver les sources",
    ],
    &[
        "Get the visual approved",
        "Write the hook",
        "Prepare the captions",
        "Schedule the post",
        "Reply to comments within the hour",
        "Collect the stats after a week",
        "Archive the sources",
    ],
];

const TABLE_HEADERS: [&[&[&str]]; 2] = [
    &[
        &["Semaine", "Jour", "Portée estimée", "Responsable"],
        &["Étape", "Jour", "Contacts", "Responsable"],
        &["Indicateur", "Jour de relevé", "Valeur"],
    ],
    &[
        &["Week", "Day", "Estimated reach", "Owner"],
        &["Stage", "Day", "Contacts", "Owner"],
        &["Indicator", "Reading day", "Value"],
    ],
];

const ROW_LABEL: [&str; 2] = ["Semaine", "Week"];
const SOURCE: [&str; 2] = ["Source :", "Source:"];
const EXTERNAL: [&str; 2] = ["guide officiel", "official guide"];
const ABOVE: [&str; 2] = ["plus haut", "above"];
const COLON: [&str; 2] = [" :", ":"];

const HASHTAGS: &[&str] = &[
    "#coulisses",
    "#conseil",
    "#webinaire",
    "#nouveauté",
    "#équipe",
    "#behindthescenes",
    "#tips",
    "#launch",
];

const OWNERS: Words = [
    &[
        "Camille Martin",
        "Louis Bernard",
        "Chloé Dubois",
        "Inès Moreau",
        "Hugo Laurent",
        "Léa Petit",
        "Équipe social media",
        "Nathan Roux",
    ],
    &[
        "Alex Carter",
        "Sam Patel",
        "Jordan Lee",
        "Morgan Reyes",
        "Taylor Brooks",
        "Social team",
        "Casey Nguyen",
    ],
];

const TAGS: Words = [
    &[
        "b2b",
        "notoriété",
        "vidéo",
        "événement",
        "recrutement",
        "produit",
        "communauté",
        "saisonnier",
        "témoignage",
        "formation",
    ],
    &[
        "b2b",
        "awareness",
        "video",
        "event",
        "hiring",
        "product",
        "community",
        "seasonal",
        "testimonial",
        "training",
    ],
];

const AUDIENCES: Words = [
    &[
        "responsables marketing de PME",
        "jeunes parents",
        "étudiants",
        "décideurs RH",
        "amateurs de cuisine",
        "artisans locaux",
        "clients fidèles",
        "journalistes spécialisés",
    ],
    &[
        "small-business marketers",
        "young parents",
        "students",
        "HR decision makers",
        "home cooks",
        "local craftspeople",
        "loyal customers",
        "trade journalists",
    ],
];

const COMPETITORS: &[&str] = &[
    "Agence Horizon",
    "Studio Pixel",
    "Maison Verte",
    "Bluebird Media",
    "Northstar Digital",
    "Atelier Sud",
];

const PARTNERS: Words = [
    &[
        "Chambre de commerce locale",
        "Office de tourisme",
        "École de design",
        "Association des commerçants",
    ],
    &[
        "Local chamber of commerce",
        "Tourist office",
        "Design school",
        "Retailers' association",
    ],
];

const FOLDER_THEMES: Words = [
    &[
        "lancement",
        "notoriete",
        "conversion",
        "fidelisation",
        "evenements",
        "saisonnier",
        "marque-employeur",
        "communaute",
        "produits",
        "partenariats",
    ],
    &[
        "launch",
        "awareness",
        "conversion",
        "loyalty",
        "events",
        "seasonal",
        "employer-brand",
        "community",
        "products",
        "partnerships",
    ],
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mostbook-generate-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(root, &path, out);
                } else {
                    let rel = path.strip_prefix(root).unwrap();
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    out.insert(rel, fs::read(&path).unwrap());
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(dir, dir, &mut out);
        out
    }

    fn field<'a>(text: &'a str, name: &str) -> Option<&'a str> {
        let fm = text.strip_prefix("---\n")?.split("\n---\n").next()?;
        fm.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(": "))
    }

    fn number(v: &str) -> f64 {
        v.parse().unwrap()
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let (a, b, c) = (temp("a"), temp("b"), temp("c"));
        generate(&a, 300, 7).unwrap();
        generate(&b, 300, 7).unwrap();
        generate(&c, 300, 8).unwrap();
        let (fa, fb, fc) = (files(&a), files(&b), files(&c));
        assert!(fa == fb, "same seed must give the same files");
        assert!(fa != fc, "another seed must give another playbook");
        for d in [a, b, c] {
            fs::remove_dir_all(d).unwrap();
        }
    }

    #[test]
    fn counts_and_proportions() {
        let dir = temp("counts");
        generate(&dir, 1000, 42).unwrap();
        let all = files(&dir);
        assert!(all.contains_key("playbook.yaml"));
        let mut steps: BTreeMap<String, usize> = BTreeMap::new();
        for (path, bytes) in &all {
            if path == "playbook.yaml" {
                continue;
            }
            assert!(path.starts_with("content/") && path.ends_with(".md"));
            let text = std::str::from_utf8(bytes).unwrap();
            let step = field(text, "step").expect("a step");
            *steps.entry(step.to_string()).or_default() += 1;
        }
        let total: usize = steps.values().sum();
        assert_eq!(total, 1000);
        let networks = fs::read_to_string(dir.join("playbook.yaml"))
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("  ") && l.contains("name:"))
            .count();
        assert!((4..=6).contains(&networks));
        assert_eq!(steps["mission"], networks + 1);
        let (o, s, t) = (steps["objective"], steps["strategy"], steps["tactic"]);
        assert!((55..=80).contains(&o), "objectives: {o}");
        assert!((200..=240).contains(&s), "strategies: {s}");
        assert!((650..=750).contains(&t), "tactics: {t}");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn big_folders_are_split() {
        let plan = Plan::new(20_000, 3);
        let mut per_folder: BTreeMap<&str, usize> = BTreeMap::new();
        for e in &plan.elements {
            let folder = e.id.rsplit_once('/').map_or("", |(f, _)| f);
            *per_folder.entry(folder).or_default() += 1;
        }
        assert!(per_folder.values().all(|&c| c <= MAX_PER_FOLDER));
        assert!(per_folder.keys().any(|f| f.matches('/').count() == 2));
    }

    /// What `mostbook check` would complain about, checked without it: the
    /// MOST chain is complete, objectives are SMART, links and anchors
    /// resolve, bodies have a realistic size.
    #[test]
    fn playbook_is_sound() {
        for seed in [1, 2] {
            let dir = temp(&format!("sound-{seed}"));
            generate(&dir, 400, seed).unwrap();
            let all = files(&dir);
            let mut ids: BTreeMap<String, String> = BTreeMap::new();
            for (path, bytes) in &all {
                if let Some(id) = path.strip_prefix("content/").and_then(|p| p.strip_suffix(".md")) {
                    ids.insert(id.to_string(), String::from_utf8(bytes.clone()).unwrap());
                }
            }
            let resolve = |r: &str| -> String {
                if ids.contains_key(r) {
                    return r.to_string();
                }
                let m: Vec<&String> = ids.keys().filter(|id| id.ends_with(&format!("/{r}"))).collect();
                assert_eq!(m.len(), 1, "reference {r} matches {m:?}");
                m[0].clone()
            };
            let headings = |text: &str| -> Vec<String> {
                text.lines()
                    .filter_map(|l| l.strip_prefix("## "))
                    .map(heading_id)
                    .collect()
            };
            let mut served: BTreeMap<String, usize> = BTreeMap::new();
            for (id, text) in &ids {
                let step = field(text, "step").unwrap();
                let fm_end = text[4..].find("\n---\n").unwrap() + 4;
                let fm = &text[..fm_end];
                let body = &text[fm_end + 5..];
                assert!((900..=3400).contains(&body.len()), "{id}: body of {} bytes", body.len());
                // serves
                let mut refs: Vec<&str> = Vec::new();
                if let Some(v) = field(text, "serves") {
                    refs.push(v);
                } else if fm.contains("\nserves:\n") {
                    let after = fm.split("\nserves:\n").nth(1).unwrap();
                    refs.extend(after.lines().map_while(|l| l.strip_prefix("  - ")));
                }
                assert_eq!(step == "mission", refs.is_empty(), "{id}");
                for r in refs {
                    *served.entry(resolve(r)).or_default() += 1;
                }
                if step == "objective" {
                    let b = number(field(text, "baseline").unwrap());
                    let t = number(field(text, "target").unwrap());
                    assert!(b > 0.0 && t > 0.0 && b != t, "{id}");
                    assert!(t / b <= 10.0 && b / t <= 10.0, "{id}");
                    assert!(field(text, "due").unwrap() > "2027-03-15", "{id}");
                    assert!(field(text, "start").unwrap() < field(text, "due").unwrap());
                    assert!(field(text, "owner").is_some() && field(text, "metric").is_some());
                }
                if step == "tactic" {
                    assert!(field(text, "formats").is_some(), "{id}");
                    assert!(fm.contains("\nschedule:\n"), "{id}");
                }
                // links
                let dir_of = id.rsplit_once('/').map_or("", |(d, _)| d);
                for part in body.split("](").skip(1) {
                    let dest = &part[..part.find(')').unwrap()];
                    if dest.starts_with("https://") {
                        continue;
                    }
                    let (path, frag) = dest.split_once('#').unwrap_or((dest, ""));
                    let target = if path.is_empty() {
                        id.clone()
                    } else {
                        let mut segs: Vec<&str> = if dir_of.is_empty() {
                            vec![]
                        } else {
                            dir_of.split('/').collect()
                        };
                        for seg in path.strip_suffix(".md").unwrap().split('/') {
                            if seg == ".." {
                                segs.pop().unwrap();
                            } else {
                                segs.push(seg);
                            }
                        }
                        segs.join("/")
                    };
                    let text = ids.get(&target).unwrap_or_else(|| panic!("{id}: {dest}"));
                    if !frag.is_empty() {
                        assert!(headings(text).contains(&frag.to_string()), "{id}: {dest}");
                    }
                }
                for part in body.split("[[").skip(1) {
                    let inner = &part[..part.find("]]").unwrap()];
                    resolve(inner.split('|').next().unwrap());
                }
            }
            for (id, text) in &ids {
                if field(text, "step").unwrap() != "tactic" {
                    assert!(served.get(id).copied().unwrap_or(0) > 0, "dead end: {id}");
                }
            }
            fs::remove_dir_all(dir).unwrap();
        }
    }

    /// The real checker finds nothing, in both languages.
    #[test]
    fn mostbook_check_is_clean() {
        for (n, seed) in [(60, 1), (700, 2)] {
            let dir = temp(&format!("check-{seed}"));
            generate(&dir, n, seed).unwrap();
            let analysis = crate::analyze::analyze(&dir, None, Some("2027-03-15")).unwrap();
            let found: Vec<String> = analysis
                .diags
                .list
                .iter()
                .take(10)
                .map(|d| format!("{:?} {}: {}", d.rule, d.file, d.message))
                .collect();
            assert!(found.is_empty(), "seed {seed}: {found:#?}");
            assert_eq!(analysis.playbook.map(|p| p.elements.len()), Some(n));
            fs::remove_dir_all(dir).unwrap();
        }
    }

    #[test]
    fn helpers() {
        assert_eq!(heading_id("Le parcours"), "le-parcours");
        assert_eq!(heading_id("Échéances"), "échéances");
        assert_eq!(heading_id("Point d'attention"), "point-dattention");
        assert_eq!(heading_id("Indicateurs clés {#kpi}"), "kpi");
        assert_eq!(
            slugify("Vidéo du mardi : coulisses de l'atelier"),
            "video-du-mardi-coulisses-de-latelier"
        );
        assert_eq!(relative("a/b/c", "a/d"), "../d.md");
        assert_eq!(relative("a/b/c", "a/b/e"), "e.md");
        assert_eq!(relative("mission", "x/mission"), "x/mission.md");
        assert_eq!(relative("x/t/01-a/f", "mission"), "../../../mission.md");
        assert_eq!(split(10, &[1, 1, 2], 1), vec![3, 3, 4]);
    }
}
