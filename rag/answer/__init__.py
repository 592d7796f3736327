"""Answering from retrieved passages: extractive and LLM answerers, verification, claims, follow-ups."""
