"""Reliability: a real server in a subprocess, killed and deprived of its database under load,
then audited against its own store."""
