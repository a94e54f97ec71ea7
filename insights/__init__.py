"""Pure domain of Podbrief: insights, text normalisation, search planning and ranking.

Nothing here does I/O or knows about Slack or databases (enforced by import-linter).
"""
