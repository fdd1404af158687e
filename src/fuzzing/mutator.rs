//! The grammar-aware mutator of the `mutate` target: an input that reads as XML is edited
//! as an element tree, with the grammar's names and values ([`super::vocabulary`]), and
//! written back ([`write_tree`]).
//!
//! It only makes inputs: judging them is the `parse` check's job.

use crate::xml::read;
use crate::xml::tree::{Attribute, Element, Node, Text};

use super::vocabulary::{ATTRIBUTE_NAMES, ELEMENT_NAMES, snippets, values};
use super::write_tree;
use crate::generator::Rng;

/// One of `items`, which the mutator's tables never leave empty.
fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    // Every table the mutator picks from is a non-empty constant (or a tree's non-empty
    // list of paths, which always holds the root's).
    rng.pick(items).expect("a non-empty table")
}

/// Paths (child indices from the root) of every element, the root's being empty.
fn element_paths(root: &Element) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    let mut todo = vec![(Vec::new(), root)];
    while let Some((path, e)) = todo.pop() {
        for (i, child) in e.children.iter().enumerate() {
            if let Node::Element(c) = child {
                let mut p = path.clone();
                p.push(i);
                out.push(p.clone());
                todo.push((p, c));
            }
        }
    }
    out
}

fn element_at<'a>(root: &'a Element, path: &[usize]) -> Option<&'a Element> {
    let mut e = root;
    for &i in path {
        match e.children.get(i) {
            Some(Node::Element(c)) => e = c,
            _ => return None,
        }
    }
    Some(e)
}

fn element_at_mut<'a>(root: &'a mut Element, path: &[usize]) -> Option<&'a mut Element> {
    let mut e = root;
    for &i in path {
        match e.children.get_mut(i) {
            Some(Node::Element(c)) => e = c,
            _ => return None,
        }
    }
    Some(e)
}

fn attribute(name: &str, value: &str) -> Attribute {
    let (prefix, local) = match name.split_once(':') {
        Some((p, l)) => (Some(p.to_string()), l.to_string()),
        None => (None, name.to_string()),
    };
    let namespace = prefix
        .as_deref()
        .filter(|p| *p == "xml")
        .map(|_| "http://www.w3.org/XML/1998/namespace".to_string());
    Attribute {
        name: local.into(),
        prefix,
        namespace,
        value: value.to_string(),
        position: Default::default(),
    }
}

fn text(value: &str) -> Node {
    Node::Text(Text {
        value: value.to_string(),
        cdata: false,
        position: Default::default(),
    })
}

/// One grammar-aware edit of the tree. Returns whether something changed.
fn edit(root: &mut Element, rng: &mut Rng) -> bool {
    let paths = element_paths(root);
    let path = pick(rng, &paths).clone();
    match rng.below(12) {
        // Swap two children.
        0 => {
            let Some(e) = element_at_mut(root, &path) else {
                return false;
            };
            if e.children.len() < 2 {
                return false;
            }
            let (a, b) = (rng.below(e.children.len()), rng.below(e.children.len()));
            e.children.swap(a, b);
            a != b
        }
        // Duplicate a child next to itself or elsewhere among its siblings.
        1 => {
            let Some(e) = element_at_mut(root, &path) else {
                return false;
            };
            if e.children.is_empty() {
                return false;
            }
            let copy = e.children[rng.below(e.children.len())].clone();
            let at = rng.below(e.children.len() + 1);
            e.children.insert(at, copy);
            true
        }
        // Drop a child.
        2 => {
            let Some(e) = element_at_mut(root, &path) else {
                return false;
            };
            if e.children.is_empty() {
                return false;
            }
            let at = rng.below(e.children.len());
            e.children.remove(at);
            true
        }
        // Splice a grammar subtree in.
        3 | 4 => {
            let snippet = pick(rng, snippets()).clone();
            let Some(e) = element_at_mut(root, &path) else {
                return false;
            };
            let at = rng.below(e.children.len() + 1);
            e.children.insert(at, Node::Element(snippet));
            true
        }
        // Splice a copy of one of the document's own subtrees somewhere else.
        5 => {
            let from = pick(rng, &paths).clone();
            let Some(copy) = element_at(root, &from).cloned() else {
                return false;
            };
            let Some(e) = element_at_mut(root, &path) else {
                return false;
            };
            let at = rng.below(e.children.len() + 1);
            e.children.insert(at, Node::Element(copy));
            true
        }
        // Give an attribute a grammar value.
        6 | 7 => {
            let value = *pick(rng, values());
            let Some(e) = element_at_mut(root, &path) else {
                return false;
            };
            if e.attributes.is_empty() {
                let name = *pick(rng, ATTRIBUTE_NAMES);
                e.attributes.push(attribute(name, value));
            } else {
                let at = rng.below(e.attributes.len());
                e.attributes[at].value = value.to_string();
            }
            true
        }
        // Add a grammar attribute (or replace the one of that name).
        8 => {
            let (name, value) = (*pick(rng, ATTRIBUTE_NAMES), *pick(rng, values()));
            let Some(e) = element_at_mut(root, &path) else {
                return false;
            };
            let new = attribute(name, value);
            match e
                .attributes
                .iter_mut()
                .find(|a| a.name == new.name && a.prefix == new.prefix)
            {
                Some(a) => a.value = new.value,
                None => {
                    let at = rng.below(e.attributes.len() + 1);
                    e.attributes.insert(at, new);
                }
            }
            true
        }
        // Remove an attribute.
        9 => {
            let Some(e) = element_at_mut(root, &path) else {
                return false;
            };
            if e.attributes.is_empty() {
                return false;
            }
            let at = rng.below(e.attributes.len());
            e.attributes.remove(at);
            true
        }
        // Rename an element.
        10 => {
            let name = *pick(rng, ELEMENT_NAMES);
            let Some(e) = element_at_mut(root, &path) else {
                return false;
            };
            e.name = name.into();
            e.prefix = None;
            e.namespace = None;
            true
        }
        // Set or add text.
        _ => {
            let value = *pick(rng, values());
            let Some(e) = element_at_mut(root, &path) else {
                return false;
            };
            if rng.below(2) == 0 {
                e.children.retain(|n| !matches!(n, Node::Text(_)));
            }
            let at = rng.below(e.children.len() + 1);
            e.children.insert(at, text(value));
            true
        }
    }
}

/// The grammar-aware mutation of the `mutate` target: reads `input` as an element tree,
/// makes one to four edits (swap, duplicate, drop or splice subtrees; grammar names and
/// values for elements, attributes and text) and writes the tree back ([`write_tree`]).
/// `None` when the input does not read or the result would exceed `max_size` bytes: the
/// caller then falls back to byte-level mutation.
pub fn mutate(input: &[u8], max_size: usize, seed: u64) -> Option<Vec<u8>> {
    let mut root = read::read(input).ok()?.root;
    let mut rng = Rng::new(seed);
    let edits = 1 + rng.below(4);
    let mut changed = false;
    for _ in 0..edits {
        changed |= edit(&mut root, &mut rng);
    }
    if !changed {
        return None;
    }
    let out = write_tree(&root).into_bytes();
    (out.len() <= max_size).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutate_edits_and_stays_within_the_size() {
        let seed = b"<domainbackup mode='pull'><server name='h'/><disks><disk name='vda'/></disks></domainbackup>";
        let mut changed = 0;
        for s in 0..200 {
            if let Some(out) = mutate(seed, 4096, s) {
                assert!(out.len() <= 4096);
                changed += usize::from(out != seed);
            }
        }
        assert!(
            changed > 150,
            "only {changed} of 200 mutations changed the document"
        );
        assert_eq!(mutate(b"not xml", 4096, 1), None);
        assert_eq!(mutate(seed, 10, 1), None);
    }
}
