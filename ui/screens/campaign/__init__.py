"""The Campagne screen: the campaign form, its criteria, residences and results rule."""
