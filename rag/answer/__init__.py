"""Answer: cited answers from retrieved passages.

Extractive and LLM answerers, verification, claims and ``[n]`` markers, follow-ups
and prompts.
"""
