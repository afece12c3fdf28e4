"""Questionnaires: compose a paper survey, print it, read the returned forms, see the answers."""
