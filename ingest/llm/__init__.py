"""The language-model extractor's parts: chunks, prompt, answers, quotes, writing checks, selection.

`ingest.llm_extractor.LlmExtractor` puts them together.
"""
