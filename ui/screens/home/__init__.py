"""The Accueil screen and its model (the summary, next step and alerts of the campaign)."""
