"""Searching insights: `/insights <words>`, the answer blocks, the Share and Save buttons on results."""
