//! The catalog index's lower-cased titles, kept side by side in one buffer. Searching and sorting
//! by title reads tens of thousands of them; as separate heap strings, scattered among the other
//! allocations of a 100k-listing index, nearly every read missed the CPU's cache (a search
//! sorted by title took ~17 ms, against ~2 ms for the other views).

/// Titles by slot (the index's entry position). A replaced title leaves its old bytes behind
/// until they outweigh the live ones; then the buffer is rewritten.
#[derive(Default)]
pub(crate) struct TitleArena {
    text: String,
    /// Start and length in `text`, per slot.
    spans: Vec<(u32, u32)>,
    /// Bytes in `text` no slot points at any more.
    garbage: usize,
}

impl TitleArena {
    pub fn get(&self, slot: usize) -> &str {
        let (start, len) = self.spans[slot];
        &self.text[start as usize..(start + len) as usize]
    }

    /// Sets the title of `slot`, which is either taken or the next free one.
    pub fn set(&mut self, slot: usize, title: &str) {
        let span = self.append(title);
        match self.spans.get_mut(slot) {
            Some(old) => {
                self.garbage += old.1 as usize;
                *old = span;
                if self.garbage > self.text.len() / 2 {
                    self.compact();
                }
            }
            None => {
                debug_assert_eq!(slot, self.spans.len(), "slots are filled in order");
                self.spans.push(span);
            }
        }
    }

    fn append(&mut self, title: &str) -> (u32, u32) {
        // A title is at most a few hundred bytes and an index a few hundred thousand listings,
        // far below 4 GiB; the span type says so.
        let start = u32::try_from(self.text.len()).expect("title arena under 4 GiB");
        self.text.push_str(title);
        (start, title.len() as u32)
    }

    fn compact(&mut self) {
        let old = std::mem::take(&mut self.text);
        let mut text = String::with_capacity(old.len() - self.garbage);
        for span in &mut self.spans {
            let (start, len) = *span;
            let moved = text.len() as u32;
            text.push_str(&old[start as usize..(start + len) as usize]);
            *span = (moved, len);
        }
        self.text = text;
        self.garbage = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaced_titles_read_back_and_the_buffer_stays_small() {
        let mut arena = TitleArena::default();
        arena.set(0, "kilim");
        arena.set(1, "چراغ رومیزی 💡");
        for round in 0..100 {
            arena.set(0, &format!("kilim {round}"));
        }
        assert_eq!(arena.get(0), "kilim 99");
        assert_eq!(arena.get(1), "چراغ رومیزی 💡");
        assert!(
            arena.text.len() <= 2 * (arena.get(0).len() + arena.get(1).len()) + 16,
            "old titles are dropped: {} bytes",
            arena.text.len()
        );
    }
}
