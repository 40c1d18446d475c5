"""The domain as data and small pure functions: no database, no terminal."""
