//! Shared measurement helpers for the benchmark binaries: repeated runs, medians, ratio tables.
