"""The campaign's public website, served by the sync server from its synced records
(docs/platform.md): `data` (the read model), `site` (pages), `feeds` (.ics, Atom), `contact`."""
