"""The one safe HTTP client for ingestion; the public interface is ``ingestion.fetch``."""
