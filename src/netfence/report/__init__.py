"""Rendering: terminal tables, JSON, SARIF, DOT, Mermaid, Markdown and self-contained HTML."""
