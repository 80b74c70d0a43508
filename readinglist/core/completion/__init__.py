"""Completing papers from arXiv and Hugging Face: clients, matching, planning and applying."""
