"""Reports: filtering and counting in SQL, rows out."""
