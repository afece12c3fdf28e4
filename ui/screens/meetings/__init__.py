"""The Réunions & idées screen: meetings, their form and questions, the ideas and their form,
and the table models (the save-as-you-type is `ui.widgets.autosave`)."""
