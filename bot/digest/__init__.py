"""The daily brief: channel topics, digest settings (commands and modal), composing and posting digests."""
