//! Generics, lifetimes and literals that look like something else.

use std::collections::HashMap;

pub(crate) struct Cache<'a, K: Eq + std::hash::Hash, V> {
    entries: HashMap<K, &'a V>,
}

impl<'a, K, V> Cache<'a, K, V>
where
    K: Eq + std::hash::Hash,
{
    pub const fn capacity() -> usize {
        64
    }

    pub fn get(&self, key: &K) -> Option<&&'a V> {
        let label: &'static str = "fn not_here() {}";
        let quote = '\'';
        let brace = '{';
        let bytes = br#"}"#;
        self.entries.get(key)
    }
}

unsafe impl<'a, K: Eq + std::hash::Hash, V> Send for Cache<'a, K, V> {}

pub trait Visitor<T> {
    fn visit(&mut self, node: &T) -> bool;
    fn done(&self) {}
}

impl Visitor<i32> for &mut Vec<i32> {
    fn visit(&mut self, node: &i32) -> bool {
        let closure = |x: i32| -> i32 { x + 1 };
        'outer: loop {
            break 'outer;
        }
        self.push(closure(*node));
        true
    }
}

pub async fn run() {
    let task = async move { 1 };
    task.await;
}

/** A block doc comment. */
pub enum Message<T> {
    Quit,
    Move { x: i32, y: i32 },
    Write(String),
    Payload(T),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_works() {
        assert_eq!(2 + 2, 4);
    }
}
