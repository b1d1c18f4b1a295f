"""CRM data over SQL: the tables, file imports with mapping files (read, check, write all or nothing) and derived
figures. May import storage.models, storage.tables and the coaching domain; no other storage feature."""
