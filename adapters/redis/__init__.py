"""Adapters on Redis: sessions, listen keys, request weight and a cache of answers."""
