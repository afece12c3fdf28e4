"""BP Terrain domain: campaign, meetings, ideas, projects, commission, count.

The package is Qt-free. `app.domain` holds pure rules, `app.storage` the SQLite store and
`app.services` the use-case functions that the user interfaces call.
"""

__version__ = "0.1.0"
