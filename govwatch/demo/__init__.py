"""The offline demo: a bundled GOV.UK-format sample served on 127.0.0.1 and run through the stack."""
