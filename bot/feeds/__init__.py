"""Following podcast feeds from Slack: `/insights feeds add|list|search|remove`."""
