"""The demo data folder (invented names and places) for training, screenshots and tests:
`campaign` builds the campaign, `count` adds a count on real printed and marked ballots."""
