"""Operations: backup and restore, health check, request logs, security headers."""
