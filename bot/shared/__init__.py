"""What every feature uses: Block Kit helpers, action ids, mrkdwn, outgoing checks, the request context, Slack errors, replies."""
