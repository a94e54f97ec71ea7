"""Podbrief inside other Slack surfaces: link unfurls, the message shortcut, the workflow step."""
