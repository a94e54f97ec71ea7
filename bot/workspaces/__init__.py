"""Workspaces: OAuth install, installations, per-workspace clients, uninstall and token revocation."""
