//! Pure tests of the comparison.
