"""Preserved sources: a snapshot of every cited document and a history of its link health."""
