"""The Dépouillement screen: opening a session, its sources (folder, camera), the sheet view,
the review panel and the forms and dialogs of a count."""
