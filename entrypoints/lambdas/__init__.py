"""AWS Lambda handlers, packaged on their own by the infrastructure (no third-party imports)."""
