"""Integrations on top of the engine (ARCHITECTURE.md): they call the engine; it never imports them."""
