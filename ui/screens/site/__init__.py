"""Site public: publishing, the news ("Actualités"), the follow-up of funded projects and the
messages written on the site (docs/platform.md)."""
