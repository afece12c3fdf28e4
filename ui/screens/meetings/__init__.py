"""The Réunions & idées screen: meetings, their form and questions, the ideas and their form,
the table models, and the autosaver that the other forms share."""
