"""The Slack side of Podbrief: Bolt app, listeners, Block Kit renderers, CLI and composition root."""
