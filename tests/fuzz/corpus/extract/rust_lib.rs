//! Crate-level documentation.
//! Second line.

use std::fmt;

/// The maximum size.
pub const MAX_SIZE: usize = 1 << 10;
static mut COUNTER: u32 = 0;

/// A point in space.
#[derive(Debug, Clone)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

pub struct Meters(f64);

struct Unit;

pub enum Shape {
    Circle { radius: f64 },
    Square(f64),
    #[allow(dead_code)]
    Empty,
}

pub trait Area {
    const SIDES: u32;
    type Output;
    fn area(&self) -> f64;
    fn describe(&self) -> String {
        format!("area {}", self.area())
    }
}

impl Area for Shape {
    const SIDES: u32 = 0;
    type Output = f64;
    fn area(&self) -> f64 {
        match self {
            Shape::Circle { radius } => 3.14 * radius * radius,
            Shape::Square(side) => side * side,
            Shape::Empty => 0.0,
        }
    }
}

impl<T: fmt::Display> fmt::Display for Wrapper<T> where T: Clone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

pub(crate) async fn fetch<'a>(url: &'a str) -> Result<&'a str> {
    let raw = r#"fn not_a_function() { /* nope */ }"#;
    let quote = '"';
    let lifetime_like = 'x';
    Ok(url)
}

pub mod nested {
    /* Block comments /* nest */ in Rust. */
    pub fn inner() {}
}

mod tests;

macro_rules! square {
    ($x:expr) => {
        $x * $x
    };
}

union IntOrFloat {
    i: u32,
    f: f32,
}

extern "C" {
    fn abs(input: i32) -> i32;
}
