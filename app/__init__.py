"""pass'Sport Club: domain and storage. No Qt, no network."""

__version__ = "0.1.0"
