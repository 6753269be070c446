"""govwatch: watch government technology announcements and query them with SQL."""

__version__ = "0.1.0"
