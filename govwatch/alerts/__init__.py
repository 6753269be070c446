"""Alert subscriptions: matching, dispatch and delivery channels.

Modules, in the order data flows through them:

- `data` — word lists and fixed tables (partnership kinds, frequencies, GBP rates, organisation acronyms).
- `records` — typed records: `Subscription`, `AnnouncementFacts`, `Reason`, `Match`.
- `subscriptions` — validate subscriptions, keep the CLI-made ones in a file, merge with the config.
- `text`, `match`, `index` — pure matching: AND across filters, OR within one, an explainable `Match`;
  the index matches an announcement against many subscriptions at once.
- `where` — the documented per-announcement record that `--where` predicates read, run by DuckDB.
- `message` — alert ids, payloads, digests, the govwatch.alerts event, the email rendering.
- `channels`, `webhook`, `mail`, `delivery` — sending to file/stdout, signed webhooks, SMTP; retries.
- `dispatcher` — `AlertDispatcher.handle` (inside its consumer's offset transaction) and `deliver_pending`.
- `commands` — `govwatch subscribe | subscriptions list | subscriptions remove | alerts`.
"""
