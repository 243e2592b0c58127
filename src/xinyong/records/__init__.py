"""Collection (归集): batches of records reported by departments through the API, file
uploads and the command line, validated against the catalog, kept with provenance, their
publication windows and their history of corrections and withdrawals."""
