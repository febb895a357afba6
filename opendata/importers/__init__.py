"""Importers for other AI-incident trackers' data: the AI Incident Database and AIAAIC."""
