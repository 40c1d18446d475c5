"""The store: engine and sessions, the models, upkeep (backup, restore, copy,
check), the KPI counts and the audit writer."""
