//! The tasks of each space, for listings filtered by space.
//!
//! `GET /v2/tasks?space_name=…&name=…` is how a task is found by name. Walking every task
//! of the emulator for it made that lookup cost grow with all the tasks held (about a
//! millisecond per 20,000), where a real server answers it from an index. Here a listing
//! filtered by `space_id` or `space_name` walks only the tasks of the spaces that pass the
//! filter, newest first, as the full walk would give them; the listing's own filters still
//! decide which of them are returned.

use std::cmp::Reverse;
use std::collections::{btree_set, BTreeSet, BinaryHeap, HashMap};
use std::iter::{Copied, Rev};

use crate::state::{contains_ci, State};
use crate::tasks::Task;

/// Task sequence numbers by space ID.
#[derive(Default)]
pub(crate) struct TasksBySpace {
    sets: HashMap<String, BTreeSet<u64>>,
}

impl TasksBySpace {
    pub(crate) fn add(&mut self, space_id: &str, seq: u64) {
        self.sets
            .entry(space_id.to_owned())
            .or_default()
            .insert(seq);
    }

    pub(crate) fn remove(&mut self, space_id: &str, seq: u64) {
        if let Some(set) = self.sets.get_mut(space_id) {
            set.remove(&seq);
            if set.is_empty() {
                self.sets.remove(space_id);
            }
        }
    }

    pub(crate) fn remove_space(&mut self, space_id: &str) {
        self.sets.remove(space_id);
    }
}

/// Sequence numbers of several spaces' tasks, newest first, merged.
struct NewestFirst<'a> {
    walks: Vec<Rev<Copied<btree_set::Range<'a, u64>>>>,
    /// The next sequence number of each walk that has one, largest on top.
    heads: BinaryHeap<(u64, Reverse<usize>)>,
}

impl<'a> NewestFirst<'a> {
    fn new(sets: Vec<&'a BTreeSet<u64>>, end: u64) -> NewestFirst<'a> {
        let mut walks: Vec<_> = sets
            .into_iter()
            .map(|s| s.range(..end).copied().rev())
            .collect();
        let heads = walks
            .iter_mut()
            .enumerate()
            .filter_map(|(i, w)| w.next().map(|seq| (seq, Reverse(i))))
            .collect();
        NewestFirst { walks, heads }
    }
}

impl Iterator for NewestFirst<'_> {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        let (seq, Reverse(i)) = self.heads.pop()?;
        if let Some(next) = self.walks[i].next() {
            self.heads.push((next, Reverse(i)));
        }
        Some(seq)
    }
}

impl State {
    /// Tasks newest first, before `before` (a sequence number; from the newest when
    /// `None`), limited to the spaces that pass `space_id` and `space_name` (a
    /// case-insensitive substring of the space's name) when either is given. Every task
    /// that passes those two filters is among them; the caller still applies them (and
    /// the others) to each.
    pub(crate) fn tasks_newest_first<'s>(
        &'s self,
        space_id: Option<&str>,
        space_name: Option<&str>,
        before: Option<u64>,
    ) -> Box<dyn Iterator<Item = &'s Task> + 's> {
        let index = &self.tasks_by_space.sets;
        let sets: Vec<&BTreeSet<u64>> = match (space_id, space_name) {
            (Some(id), _) => index.get(id).into_iter().collect(),
            (None, Some(name)) => self
                .spaces
                .iter()
                .filter(|s| contains_ci(&s.name, name))
                .filter_map(|s| index.get(&s.id))
                .collect(),
            (None, None) => return Box::new(self.tasks.before(before)),
        };
        let end = before.unwrap_or(u64::MAX);
        Box::new(NewestFirst::new(sets, end).filter_map(|seq| self.tasks.by_seq(seq)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_spaces_newest_first_before_the_end() {
        let a: BTreeSet<u64> = [1, 4, 9, 12].into();
        let b: BTreeSet<u64> = [2, 3, 10].into();
        let c: BTreeSet<u64> = BTreeSet::new();
        let all: Vec<u64> = NewestFirst::new(vec![&a, &b, &c], u64::MAX).collect();
        assert_eq!(all, vec![12, 10, 9, 4, 3, 2, 1]);
        let before: Vec<u64> = NewestFirst::new(vec![&a, &b], 10).collect();
        assert_eq!(before, vec![9, 4, 3, 2, 1]);
        assert_eq!(NewestFirst::new(vec![], 5).next(), None);
    }

    #[test]
    fn removing_the_last_task_forgets_the_space() {
        let mut index = TasksBySpace::default();
        index.add("s1", 3);
        index.add("s1", 5);
        index.remove("s1", 3);
        assert_eq!(index.sets["s1"], [5].into());
        index.remove("s1", 5);
        assert!(index.sets.is_empty());
        index.add("s2", 7);
        index.remove_space("s2");
        assert!(index.sets.is_empty());
    }
}
