"""Pages checked in a real browser: headless Chromium against the real HTTP server."""
