"""Security mechanisms shared by every blueprint: access rules, passwords, sessions, headers."""
