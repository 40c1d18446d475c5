"""send-cli: a case tracker for SEND casework teams."""

__version__ = "0.1.0"
