"""Pure processing steps (extract, repair, tag) and their thin Beam wrappers."""
