"""Getting insights in: import files (and, later, feeds and transcripts) into storage."""
