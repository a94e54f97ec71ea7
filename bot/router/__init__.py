"""The one `/insights` listener: parse the text once, hand the parsed command to its feature."""
