//! Corpus tests: see tests/fixtures/corpus (being added).
