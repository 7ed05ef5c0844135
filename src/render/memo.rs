//! Reuse between the builds of a `watch` session: a page or a body whose inputs
//! hash the same as in the previous build is taken from it instead of being
//! rendered again.
//!
//! A key is a 128-bit digest (xxh3) of everything the output is made from: for
//! a page, the template's name, the page's path and title, the data handed to
//! the template (as JSON) and [`Memo::begin`]'s global key (theme templates,
//! strings, site settings, date); for a body, see [`crate::render::body::key`].
//! Equal keys give equal bytes, so a rebuild equals a fresh build.

use serde::Serialize;
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use xxhash_rust::xxh3::Xxh3;

/// A digest of what something is made from.
pub type Key = u128;

/// Hashes what is written to it (serde_json writes page data here).
pub struct Digest(Xxh3);

impl Digest {
    pub fn new() -> Self {
        Digest(Xxh3::new())
    }

    /// Adds `bytes`, then a separator, so that `("ab", "c")` and `("a", "bc")` differ.
    pub fn field(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    pub fn finish(&self) -> Key {
        self.0.digest128()
    }
}

impl Default for Digest {
    fn default() -> Self {
        Self::new()
    }
}

impl std::io::Write for Digest {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

thread_local! {
    /// Set while page data is written to a [`Digest`]: [`Html`] then writes its key.
    static HASHING: Cell<bool> = const { Cell::new(false) };
}

/// The key of a page: `None` when its data cannot be written as JSON (it is then rendered).
pub fn page_key<T: Serialize>(global: Key, parts: &[&str], data: &T) -> Option<Key> {
    let mut d = Digest::new();
    d.field(&global.to_le_bytes());
    for p in parts {
        d.field(p.as_bytes());
    }
    HASHING.with(|h| h.set(true));
    let written = serde_json::to_writer(&mut d, data);
    HASHING.with(|h| h.set(false));
    written.ok()?;
    Some(d.finish())
}

/// A rendered body in page data: a template sees its HTML; a page's key
/// takes the body's key instead (the same thing, without hashing kilobytes of HTML again).
#[derive(Clone)]
pub struct Html {
    /// [`crate::render::body::key`], or 0 outside a session.
    pub key: Key,
    pub body: Arc<crate::render::body::Body>,
}

/// A piece of a page rendered on its own ([`crate::render::Ctx::render_fragment`]),
/// handed to a template as its HTML.
#[derive(Clone)]
pub struct Fragment(pub Arc<[u8]>);

impl Serialize for Fragment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(std::str::from_utf8(&self.0).unwrap_or_default())
    }
}

impl Serialize for Html {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.key != 0 && HASHING.with(Cell::get) {
            s.serialize_bytes(&self.key.to_le_bytes())
        } else {
            s.serialize_str(&self.body.html)
        }
    }
}

/// One kind of reusable output, by name: last build's entries (read during a
/// render, from many threads) and this build's (filled as it goes).
struct Store<V> {
    old: HashMap<String, (Key, V)>,
    new: Mutex<HashMap<String, (Key, V)>>,
}

impl<V> Default for Store<V> {
    fn default() -> Self {
        Store {
            old: HashMap::new(),
            new: Mutex::new(HashMap::new()),
        }
    }
}

impl<V: Clone> Store<V> {
    /// Last build's value for `name` if its key was `key` (counted in `hits`),
    /// else `make()`'s; kept for the next build.
    fn get_or<E>(
        &self,
        name: &str,
        key: Key,
        hits: &std::sync::atomic::AtomicUsize,
        make: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E> {
        let value = match self.old.get(name) {
            Some((k, v)) if *k == key => {
                hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                v.clone()
            }
            _ => make()?,
        };
        if let Ok(mut new) = self.new.lock() {
            new.insert(name.to_owned(), (key, value.clone()));
        }
        Ok(value)
    }

    /// This build is complete: its entries are the ones the next build may
    /// reuse; a patch ([`Memo::patch`]) only adds to the last build's.
    fn finish(&mut self, patch: bool) {
        let new = std::mem::take(self.new.get_mut().unwrap_or_else(|e| e.into_inner()));
        if patch {
            self.old.extend(new);
        } else {
            self.old = new;
        }
    }

    /// Last build's value for `name`, whatever its key.
    fn again(&self, name: &str, hits: &std::sync::atomic::AtomicUsize) -> Option<V> {
        let v = self.old.get(name).map(|(_, v)| v.clone());
        if v.is_some() {
            hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        v
    }

    fn clear(&mut self) {
        self.old.clear();
        self.new.get_mut().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// Pages and bodies kept from the previous build of a session.
#[derive(Default)]
pub struct Memo {
    global: Key,
    pages: Store<std::sync::Arc<[u8]>>,
    bodies: Store<Arc<crate::render::body::Body>>,
    /// How many pages and bodies this build took from the previous one.
    hits: std::sync::atomic::AtomicUsize,
    /// The pages made from the plan's structure ([`crate::render`]'s
    /// `structure_key`): last build's, and this build's once rendered.
    structure: Option<(Key, Arc<StructureFiles>)>,
    structure_new: Mutex<Option<(Key, Arc<StructureFiles>)>>,
    /// What the last build computed for every element and the next one may
    /// take as it is when patching: references and their keys, and each
    /// element's part of the structure key.
    elements: Option<Elements>,
    /// Per element, whether it may have changed since the last build
    /// ([`Memo::patch`]); while this build patches it, taken from there.
    dirty: Option<Vec<bool>>,
    patching: bool,
}

/// See [`Memo`]'s `elements`.
pub struct Elements {
    pub refs: Vec<crate::render::view::ElementRef>,
    pub ref_keys: Vec<Key>,
    pub structure: Vec<Key>,
}

/// Files by path.
pub type StructureFiles = Vec<(String, Arc<[u8]>)>;

impl Memo {
    /// Starts a build whose pages all depend on `global`: when it changed
    /// (a template, a string, the site's settings, the date), nothing is reused.
    /// A build announced as a patch ([`Memo::patch`]) of the last one, under
    /// the same global key, patches it ([`Memo::patching`]).
    pub fn begin(&mut self, global: Key) {
        let dirty = self.dirty.take();
        if global != self.global {
            self.pages.clear();
            self.bodies.clear();
            self.structure = None;
            self.elements = None;
            self.global = global;
        }
        self.patching = match (&self.elements, &dirty) {
            (Some(e), Some(d)) => e.refs.len() == d.len(),
            _ => false,
        };
        self.dirty = dirty.filter(|_| self.patching);
        *self.structure_new.get_mut().unwrap_or_else(|e| e.into_inner()) = None;
        // Entries of a build that failed half-way are not trusted.
        self.pages.new.get_mut().unwrap_or_else(|e| e.into_inner()).clear();
        self.bodies.new.get_mut().unwrap_or_else(|e| e.into_inner()).clear();
        *self.hits.get_mut() = 0;
    }

    /// The build succeeded: what it rendered may be reused by the next one.
    pub fn finish(&mut self, elements: Option<Elements>) {
        self.pages.finish(self.patching);
        self.bodies.finish(self.patching);
        self.structure = self.structure_new.get_mut().unwrap_or_else(|e| e.into_inner()).take();
        self.elements = elements;
        self.dirty = None;
        self.patching = false;
    }

    /// Announces that the next build differs from the last successful one
    /// only in the elements marked in `dirty` (their bodies, problems or
    /// backlinks), nothing else of the playbook changed: the other elements'
    /// pages and pieces are taken as they are, without their keys.
    pub fn patch(&mut self, dirty: Vec<bool>) {
        self.dirty = Some(dirty);
    }

    /// Whether this build patches the last one: then the caller knows which
    /// elements are [`Memo::dirty`], and the others' outputs are last build's.
    pub fn patching(&self) -> bool {
        self.patching
    }

    /// In a patching build, whether element `i` may have changed.
    pub fn dirty(&self, i: usize) -> bool {
        self.dirty.as_ref().is_none_or(|d| d.get(i).copied().unwrap_or(true))
    }

    /// Takes what the last build computed per element, when patching.
    pub fn take_elements(&mut self) -> Option<Elements> {
        if self.patching { self.elements.take() } else { None }
    }

    /// Last build's page or piece `name`, whatever its key (when patching).
    pub(crate) fn again(&self, name: &str) -> Option<Arc<[u8]>> {
        self.pages.again(name, &self.hits)
    }

    /// Last build's structural pages, if they were made from `key`.
    pub fn structure_files(&self, key: Key) -> Option<Arc<StructureFiles>> {
        let files = self
            .structure
            .as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, f)| f.clone());
        if let Some(f) = &files {
            self.hits.fetch_add(f.len(), std::sync::atomic::Ordering::Relaxed);
            if let Ok(mut new) = self.structure_new.lock() {
                *new = Some((key, f.clone()));
            }
        }
        files
    }

    /// This build's structural pages, made from `key`.
    pub fn keep_structure_files(&self, key: Key, files: StructureFiles) {
        if let Ok(mut new) = self.structure_new.lock() {
            *new = Some((key, Arc::new(files)));
        }
    }

    pub fn global(&self) -> Key {
        self.global
    }

    /// How many pages and bodies the current build reused.
    pub fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A page (or piece of one) by its path or name: last build's if `key` is the same.
    pub(crate) fn page<E>(
        &self,
        path: &str,
        key: Key,
        make: impl FnOnce() -> Result<Arc<[u8]>, E>,
    ) -> Result<Arc<[u8]>, E> {
        self.pages.get_or(path, key, &self.hits, make)
    }

    /// [`Memo::page`] for what cannot fail to be made.
    pub(crate) fn piece(&self, name: &str, key: Key, make: impl FnOnce() -> Arc<[u8]>) -> Arc<[u8]> {
        infallible(self.pages.get_or(name, key, &self.hits, || Ok(make())))
    }

    pub(crate) fn body(
        &self,
        name: &str,
        key: Key,
        make: impl FnOnce() -> Arc<crate::render::body::Body>,
    ) -> Arc<crate::render::body::Body> {
        infallible(self.bodies.get_or(name, key, &self.hits, || Ok(make())))
    }
}

fn infallible<T>(r: Result<T, std::convert::Infallible>) -> T {
    match r {
        Ok(t) => t,
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_delimited() {
        let a = Digest::new().field(b"ab").field(b"c").finish();
        let b = Digest::new().field(b"a").field(b"bc").finish();
        assert_ne!(a, b);
    }

    #[test]
    fn a_value_is_reused_only_under_the_same_key_and_only_after_a_finished_build() {
        let mut memo = Memo::default();
        memo.begin(1);
        let made = |s: &str| -> Result<std::sync::Arc<[u8]>, ()> { Ok(std::sync::Arc::from(s.as_bytes())) };
        assert_eq!(&*memo.page("a.html", 7, || made("one")).unwrap(), b"one");
        // Not finished: nothing to reuse.
        memo.begin(1);
        assert_eq!(&*memo.page("a.html", 7, || made("two")).unwrap(), b"two");
        memo.finish(None);
        memo.begin(1);
        assert_eq!(&*memo.page("a.html", 7, || made("three")).unwrap(), b"two");
        assert_eq!(memo.hits(), 1);
        assert_eq!(&*memo.page("b.html", 7, || made("b")).unwrap(), b"b");
        // Another key: made again.
        assert_eq!(&*memo.page("a.html", 8, || made("four")).unwrap(), b"four");
        memo.finish(None);
        // Another global key (a template changed): nothing is reused.
        memo.begin(2);
        assert_eq!(&*memo.page("a.html", 8, || made("five")).unwrap(), b"five");
    }

    #[test]
    fn pages_not_rendered_again_are_forgotten() {
        let mut memo = Memo::default();
        let made = |s: &str| -> Result<std::sync::Arc<[u8]>, ()> { Ok(std::sync::Arc::from(s.as_bytes())) };
        memo.begin(1);
        memo.page("gone.html", 1, || made("old")).unwrap();
        memo.finish(None);
        memo.begin(1);
        memo.finish(None);
        memo.begin(1);
        assert_eq!(&*memo.page("gone.html", 1, || made("new")).unwrap(), b"new");
    }
}
