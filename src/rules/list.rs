//! [`List`]: the lists inside a rule, borrowed from the binary for built-in rules (so that
//! those can be generated as `static` literals) and owned for rules loaded from files.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

/// A list that is either a `'static` slice or an owned vector; reads like a slice.
#[derive(Clone, PartialEq, Eq)]
///
/// The field is visible to the rules module so that `Rule::DEFAULT` and the generated built-in
/// rules can write `List(Cow::Borrowed(&[…]))`: a `static` may hold such a literal only when
/// the compiler can see, without calling a function, that nothing in it needs dropping.
pub struct List<T: Clone + 'static>(pub(super) Cow<'static, [T]>);

impl<T: Clone + 'static> List<T> {
    /// A list of items compiled into the binary.
    pub const fn borrowed(items: &'static [T]) -> List<T> {
        List(Cow::Borrowed(items))
    }

    pub const fn empty() -> List<T> {
        List(Cow::Borrowed(&[]))
    }
}

impl<T: Clone + 'static> Default for List<T> {
    fn default() -> Self {
        List::empty()
    }
}

impl<T: Clone + 'static> Deref for List<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T: Clone + 'static> From<Vec<T>> for List<T> {
    fn from(items: Vec<T>) -> Self {
        List(Cow::Owned(items))
    }
}

impl<T: Clone + 'static> FromIterator<T> for List<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        List(Cow::Owned(iter.into_iter().collect()))
    }
}

impl<'a, T: Clone + 'static> IntoIterator for &'a List<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T: Clone + fmt::Debug + 'static> fmt::Debug for List<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter()).finish()
    }
}
