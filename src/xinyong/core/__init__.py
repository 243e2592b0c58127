"""Core domain: subjects (信用主体) with their identifiers and names, departments and their
users' roles, personal-data protection helpers."""
