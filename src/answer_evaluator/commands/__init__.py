"""Sub-commands of `evaluate` other than grading: each module has `main(argv) -> int`."""
