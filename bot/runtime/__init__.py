"""Running processes: HTTP server, request gate and log, replay guard, scheduler, job monitor, metrics."""
