"""In-app notifications and the outbound webhook (JSON POST, retried with backoff)."""
