"""Saving insights: react to save, `/insights saved`, export, forget me, digest feedback reactions."""
