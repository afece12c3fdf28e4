"""The Projets screen: the projects, their form, and merging ideas into a project."""
